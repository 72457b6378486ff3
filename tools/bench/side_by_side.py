#!/usr/bin/env python3
"""Afterimage (Vulkan) beside PyTorch + diffusers (CUDA) on one GPU: one
SD-Turbo UNet call at 512x512 and one TAESD decode, plus afterimage's whole
1-step img2img frame, in a small table with the ratio.

Timing only: the diffusers models get random weights (torch.manual_seed),
built from the same unet/config.json as afterimage's folder; the time does not
depend on the values. The afterimage side runs the folder written by
`afterimage models random` (made here when missing).

diffusers need not be installed: when `import diffusers` fails, the wheels in
--wheels (default .whl) are installed with pip --no-deps --no-index into
--wheels/site-<wheel>, newest first, and the first that imports is used.

Example (repo root, GPU machine):
  python3 tools/bench/side_by_side.py --afterimage build/afterimage --model /tmp/sd-turbo-random
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LATENT = 64  # 512x512 image / 8
TEXT_TOKENS, TEXT_DIM = 77, 1024

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--afterimage", default="build/afterimage", help="the afterimage binary")
    p.add_argument("--model", default="/tmp/afterimage-sd-turbo-random",
                   help="SD-Turbo-layout folder from `afterimage models random` (written when missing)")
    p.add_argument("--tokenizer", default=str(REPO / "tests/golden/tokenizer/clip_cut"),
                   help="CLIP tokenizer folder for `models random` when the model folder is made")
    p.add_argument("--frames", type=int, default=20, help="afterimage bench frame: frames to time (the fastest is reported)")
    p.add_argument("--repeats", type=int, default=10, help="afterimage bench unet: replays (best is reported)")
    p.add_argument("--iterations", type=int, default=20, help="torch: timed calls (median is reported)")
    p.add_argument("--warmup", type=int, default=5, help="torch: untimed calls first")
    p.add_argument("--compile", action="store_true", help="torch.compile the UNet and decoder (off by default)")
    p.add_argument("--wheels", default=str(REPO / ".whl"), help="folder of diffusers wheels, used when not installed")
    p.add_argument("--timeout", type=int, default=300, help="seconds allowed for each afterimage command")
    p.add_argument("--dry-run", action="store_true",
                   help="run the afterimage side only (no torch, no CUDA): checks the binary, folder and parsing")
    p.add_argument("--torch-only", action="store_true",
                   help="run the torch side only (needs only the folder's unet/config.json)")
    return p.parse_args(argv)


# ---------------------------------------------------------------- afterimage

def run(command, timeout):
    """Runs an argument vector (no shell) and returns its output; raises with the output's tail on failure."""
    print("$ " + " ".join(command), flush=True)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} exited {done.returncode}:\n{output[-3000:]}")
    print(f"  ({time.monotonic() - started:.1f} s)", flush=True)
    return output


def number(pattern, text, what):
    found = re.search(pattern, text)
    if not found:
        raise SystemExit(f"could not find {what} in:\n{text[-3000:]}")
    return float(found.group(1))


def ensure_model(args):
    model = Path(args.model)
    if (model / "unet" / "config.json").is_file():
        return
    run([args.afterimage, "models", "random", str(model), "--tokenizer", args.tokenizer], args.timeout)


def afterimage_times(args):
    """GPU milliseconds: one UNet call (best of --repeats) and the frame's stages (the fastest of --frames)."""
    ensure_model(args)
    unet_out = run([args.afterimage, "bench", "unet", "--model", args.model, "--size", "512x512",
                    "--repeats", str(args.repeats)], args.timeout)
    times = {"unet": number(r"UNet total ([\d.]+) ms", unet_out, "the UNet total")}
    counts = re.search(r"(\d+) dispatches, (\d+) barriers", unet_out)
    if counts:
        times["unet dispatches/barriers"] = f"{counts.group(1)}/{counts.group(2)}"

    frame_out = run([args.afterimage, "bench", "frame", "--model", args.model, "--size", "512x512", "--steps", "1",
                     "--frames", str(args.frames), "--prompt", "a misty forest"], args.timeout)
    # Each stage line: the mean over the frames, then the fastest frame's time.
    stages = dict((label.strip(), float(fastest)) for label, _mean, fastest in
                  re.findall(r"^  ([a-z][a-z0-9 ]*?)\s+([\d.]+) ms\s+([\d.]+) ms$", frame_out, re.MULTILINE))
    times["frame unet"] = stages.get("unet 1")
    times["decode"] = stages.get("decode")
    times["frame gpu"] = stages.get("total")
    times["frame wall"] = number(r"Generator::frame: [\d.]+ ms mean, ([\d.]+) ms best", frame_out, "the frame time")
    counts = re.search(r"(\d+) dispatches, (\d+) barriers per frame", frame_out)
    if counts:
        times["frame dispatches/barriers"] = f"{counts.group(1)}/{counts.group(2)}"
    return times


# --------------------------------------------------------------------- torch

def import_diffusers(wheels):
    """diffusers as installed, else the newest wheel in `wheels` that imports here."""
    try:
        import diffusers  # noqa: F401
        return
    except ImportError:
        pass
    folder = Path(wheels)
    candidates = sorted(folder.glob("diffusers-*.whl"), reverse=True,
                        key=lambda w: tuple(int(x) for x in re.findall(r"\d+", w.name.split("-")[1])))
    helpers = [str(w) for w in folder.glob("*.whl") if not w.name.startswith("diffusers-")]
    for wheel in candidates:
        target = folder / ("site-" + wheel.stem.split("-py3")[0])
        if not target.is_dir():
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                            "--target", str(target), str(wheel), *helpers], check=True)
        probe = f"import sys; sys.path.insert(0, {str(target)!r}); from diffusers import UNet2DConditionModel, AutoencoderTiny"
        if subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0:
            sys.path.insert(0, str(target))
            print(f"using {wheel.name}", flush=True)
            return
        print(f"{wheel.name} does not import with this environment's packages; trying the next", flush=True)
    raise SystemExit(f"no diffusers: not installed and no wheel in {folder} imports")


def cuda_median_ms(torch, call, warmup, iterations):
    for _ in range(warmup):
        call()
    torch.cuda.synchronize()
    times = []
    for _ in range(iterations):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        call()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def torch_times(args):
    import torch

    import_diffusers(args.wheels)
    from diffusers import AutoencoderTiny, UNet2DConditionModel

    torch.manual_seed(0)  # random weights: timing only
    device, dtype = torch.device("cuda"), torch.float16
    config = json.loads((Path(args.model) / "unet" / "config.json").read_text())
    config = {k: v for k, v in config.items() if not k.startswith("_")}
    with device:  # parameters made on the GPU: 866M of them initialise in seconds
        unet = UNet2DConditionModel(**config)
    unet = unet.to(dtype).eval()
    try:
        from diffusers.models.attention_processor import AttnProcessor2_0
        unet.set_attn_processor(AttnProcessor2_0())  # SDPA (flash / memory-efficient kernels)
    except (ImportError, AttributeError):
        pass  # newer diffusers use SDPA by default

    tae_config_file = Path(args.model) / "taesd" / "config.json"
    # `models random` writes TAESD's own layout (no config): AutoencoderTiny's defaults are TAESD.
    tae_config = json.loads(tae_config_file.read_text()) if tae_config_file.is_file() else {}
    tae_config = {k: v for k, v in tae_config.items() if not k.startswith("_")}
    with device:
        tae = AutoencoderTiny(**tae_config)
    tae = tae.to(dtype).eval()

    run_unet, run_decode = unet, tae.decode
    if args.compile:
        run_unet, run_decode = torch.compile(unet), torch.compile(tae.decode)

    sample = torch.randn(1, config.get("in_channels", 4), LATENT, LATENT, device=device, dtype=dtype)
    timestep = torch.tensor([999], device=device)
    text = torch.randn(1, TEXT_TOKENS, config.get("cross_attention_dim", TEXT_DIM), device=device, dtype=dtype)
    latent = torch.randn(1, tae.config.latent_channels, LATENT, LATENT, device=device, dtype=dtype)
    with torch.inference_mode():
        unet_ms = cuda_median_ms(torch, lambda: run_unet(sample, timestep, encoder_hidden_states=text),
                                 args.warmup, args.iterations)
        decode_ms = cuda_median_ms(torch, lambda: run_decode(latent), args.warmup, args.iterations)
    return {"unet": unet_ms, "decode": decode_ms, "frame gpu": unet_ms + decode_ms,
            "device": torch.cuda.get_device_name(), "versions": f"torch {torch.__version__}, diffusers "
            + __import__("diffusers").__version__}


# --------------------------------------------------------------------- table

def fmt(value):
    return "-" if value is None else (f"{value:.2f} ms" if isinstance(value, float) else str(value))


def print_table(ours, theirs, args):
    rows = [("UNet call, 512x512 (latent 64x64)", "unet", "unet"),
            ("  the frame's UNet step", "frame unet", None),
            ("TAESD decode to 512x512", "decode", "decode"),
            ("1-step frame, GPU (torch: UNet + decode)", "frame gpu", "frame gpu"),
            ("1-step frame, wall clock (fastest)", "frame wall", None),
            ("UNet dispatches/barriers", "unet dispatches/barriers", None),
            ("frame dispatches/barriers", "frame dispatches/barriers", None)]
    print()
    if theirs:
        print(f"{theirs['device']}; {theirs['versions']}; torch.compile {'on' if args.compile else 'off'}; "
              "torch side: random weights, fp16, SDPA, CUDA events, median of "
              f"{args.iterations} after {args.warmup} warm-up")
    header = f"{'':44} {'afterimage':>12} {'torch':>12} {'ratio':>7}"
    print(header + "\n" + "-" * len(header))
    for label, mine, other in rows:
        a = ours.get(mine)
        b = theirs.get(other) if theirs and other else None
        ratio = f"{a / b:.2f}x" if isinstance(a, float) and isinstance(b, float) and b > 0 else ""
        print(f"{label:44} {fmt(a):>12} {fmt(b):>12} {ratio:>7}")
    print("ratio = afterimage time / torch time (below 1: afterimage is faster)")


def main(argv=None):
    args = parse_args(argv)
    if not args.torch_only and not Path(args.afterimage).is_file():
        raise SystemExit(f"{args.afterimage}: no such binary (build with ./afterimage.sh build)")
    ours = {} if args.torch_only else afterimage_times(args)
    theirs = None if args.dry_run else torch_times(args)
    print_table(ours, theirs, args)


if __name__ == "__main__":
    main()
