"""Measures the exported default model and writes its REPORT.md and sample
grids (sets/models/default/):

    /work/venv/bin/python tools/train/report.py --model sets/models/default \
        --work /tmp/afterimage_train [--timings timings.txt]

- size: parameters and fp16 bytes per part; GFLOP per 256x256 frame (UNet
  steps + decode, counted by torch.utils.flop_counter) at 1, 2 and 4 steps;
- samples_<n>step.jpg: per trained style (rows) a held-out procedural picture
  then generated samples (seeds 0..5), at 1, 2 and 4 DDIM steps;
- quality: per-style statistics of generated vs held-out procedural pictures
  (seeds from 1,000,000 on, never trained on): mean/std colour distance,
  distance of the log power spectrum in 6 radial bands, and the share of
  generated pictures a nearest-centroid classifier (fit on held-out
  pictures, same features) assigns to the intended style;
- the stronger judge (judge.py): the share of samples a small classifier
  network (trained on procedural pictures no model trains on) assigns to the
  intended style; colour diversity (hue histogram entropy) per style and
  across the whole render, beside the held-out pictures'; sharpness (high-
  frequency energy) relative to the held-out pictures'; flicker of a stream
  clip (1-step img2img of each previous frame, as the live engine runs)
  beside the procedural clips' (data.make_clip);
- training: steps, time and loss curve numbers from the checkpoints (when
  --work holds train.py's summary.json).

--data names a folder whose data.py the model was trained with (default:
this folder's), so a model is judged against its own world; the styles
judged are the model's trained styles that data.py draws. --out writes the
report and grids elsewhere than the model folder.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "reference"))

HELD_OUT_SEED = 1_000_000
SAMPLES = int(__import__("os").environ.get("REPORT_SAMPLES", 6))
STEPS = (1, 2, 4)


def load(folder):
    from diffusers import AutoencoderTiny, DDIMScheduler, UNet2DConditionModel
    from safetensors.torch import load_file
    unet = UNet2DConditionModel.from_pretrained(str(folder / "unet"), torch_dtype=torch.float32).eval()
    vae = AutoencoderTiny.from_pretrained(str(folder / "vae"), torch_dtype=torch.float32).eval()
    scheduler = DDIMScheduler.from_pretrained(str(folder / "scheduler"))
    names = json.loads((folder / "styles" / "styles.json").read_text())["styles"]
    table = load_file(str(folder / "styles" / "styles.safetensors"))["embeddings"].float()
    return unet, vae, scheduler, names, table


def noise(seeds, channels, size):
    from model_scheduler import seeded_noise
    shape = (channels, size // 8, size // 8)
    return torch.stack([seeded_noise(s, int(np.prod(shape))).reshape(shape) for s in seeds])


def generate(unet, vae, scheduler, context, seeds, steps, size=256, latents=False):
    latent = noise(seeds, unet.config.in_channels, size)
    scheduler.set_timesteps(steps)
    ctx = context.expand(len(seeds), -1, -1)
    with torch.no_grad():
        for t in scheduler.timesteps:
            latent = scheduler.step(unet(latent, t, encoder_hidden_states=ctx).sample, t, latent).prev_sample
        images = (vae.decode(latent).sample / 2 + 0.5).clamp(0, 1)
    return (images, latent) if latents else images


def temporal_unet(unet, folder, window):
    """The UNet with the folder's temporal layers (motion_adapter/) streamed one frame at a time, each layer
    attending causally over its last `window` inputs (the engine's TemporalStream; the reference the engine's
    stream golden uses), called like the UNet on one frame. start() begins a new history."""
    from types import SimpleNamespace
    from diffusers import MotionAdapter, UNetMotionModel
    from model_motion_adapter import CausalFrameAttention, StreamedTemporalLayer, motion_modules
    adapter = MotionAdapter.from_pretrained(str(folder / "motion_adapter"), torch_dtype=torch.float32)
    model = UNetMotionModel.from_unet2d(unet, adapter).float().eval()
    layers = []
    for module, i in motion_modules(model):
        for block in module[i].transformer_blocks:
            block.attn1.set_processor(CausalFrameAttention())
            block.attn2.set_processor(CausalFrameAttention())
        module[i] = StreamedTemporalLayer(module[i], window)
        layers.append(module[i])

    def call(x, t, encoder_hidden_states):
        return SimpleNamespace(sample=model(x[:, :, None], t, encoder_hidden_states=encoder_hidden_states).sample[:, :, 0])

    def start():
        for layer in layers:
            layer.history = None
    call.start = start
    return call


def stream_clip(unet, vae, scheduler, context, frames, strength=0.35, size=256, stream_unet=None):
    """The live engine's stream, simplified: a 1-step txt2img frame, then each frame a 1-step img2img of the
    previous frame's latent at `strength` with fresh seeded noise (seeds 1, 2, ...): [frames, 3, H, W]. The
    img2img steps run `stream_unet` (e.g. temporal_unet's, started afresh here) where given."""
    images, latent = generate(unet, vae, scheduler, context, [0], 1, size, latents=True)
    if stream_unet is not None:
        stream_unet.start()
        unet = stream_unet
    out = [images[0]]
    ab = scheduler.alphas_cumprod
    t = max(0, round(strength * 1000) - 1)  # train.stream_timesteps(strength, 1)
    a, s = ab[t].sqrt(), (1 - ab[t]).sqrt()
    with torch.no_grad():
        for k in range(1, frames):
            x_t = a * latent + s * noise([k], latent.shape[1], size)
            v = unet(x_t, torch.tensor([t]), encoder_hidden_states=context[None]).sample
            latent = a * x_t - s * v  # v-prediction: the clean latent in one step
            out.append((vae.decode(latent).sample[0] / 2 + 0.5).clamp(0, 1))
    return torch.stack(out)


def features(images):
    """[N, 3, H, W] -> [N, 12]: mean and std of RGB, log power of luminance in 6 radial bands."""
    n, _, h, w = images.shape
    mean, std = images.mean((2, 3)), images.std((2, 3))
    lum = images.mean(1)
    power = torch.fft.fftshift(torch.fft.fft2(lum - lum.mean((1, 2), keepdim=True)).abs() ** 2, dim=(-2, -1))
    fy, fx = torch.meshgrid(torch.arange(h) - h // 2, torch.arange(w) - w // 2, indexing="ij")
    radius = torch.sqrt(fx.float() ** 2 + fy.float() ** 2) / (h // 2)
    edges = [0.0, 0.03, 0.06, 0.12, 0.25, 0.5, 1.0]
    bands = [torch.log10(power[:, (radius > lo) & (radius <= hi)].mean(1) + 1e-3)
             for lo, hi in zip(edges[:-1], edges[1:])]
    return torch.cat([mean, std, torch.stack(bands, 1) / 4], 1)


def flops(unet, vae, steps):
    from torch.utils.flop_counter import FlopCounterMode
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        unet(torch.randn(1, unet.config.in_channels, 32, 32), torch.tensor([999]),
             encoder_hidden_states=torch.randn(1, 4, 64))
    per_step = counter.get_total_flops()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        vae.decode(torch.randn(1, unet.config.in_channels, 32, 32))
    return per_step / 1e9, counter.get_total_flops() / 1e9


def thumbnails(images, size=96):
    return [Image.fromarray((im.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)).resize((size, size),
                                                                                                 Image.BILINEAR)
            for im in images]


def render_frames(video, size=128):
    """Every frame of a rendered video, scaled to size x size: [N, 3, size, size] in [0, 1] (ffmpeg, no shell)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-vf", f"scale={size}:{size}", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, size, size, 3)
    return torch.as_tensor(frames.copy()).permute(0, 3, 1, 2).float() / 255


def training_summary(work):
    """From summary.json, which train.py's export writes into --work."""
    if not (Path(work) / "summary.json").exists():
        return f"- (no summary.json in {work}: the training figures are those of the run that made the model)"
    summary = json.loads((Path(work) / "summary.json").read_text())
    lines = [f"- trained on: {summary['device']}"]
    ae = summary["ae"]
    lines.append(f"- autoencoder: {ae['step']} steps (batch {ae.get('batch', 16)} crops of {ae.get('crop', 64)}x"
                 f"{ae.get('crop', 64)}) in {ae['seconds'] / 60:.1f} min")
    stages = (("unet", "teacher UNet (v-prediction)", "pictures"), ("distill", "few-step student (distillation)", "pictures"),
              ("temporal", "temporal layers (motion adapter on the frozen student)", "clips of 8 frames"))
    for name, what, items in stages:
        if name in summary:
            st = summary[name]
            lines.append(f"- {what}: {st['step']} steps (batch {st.get('batch', 32)} {items}) in {st['seconds'] / 60:.1f} min")
    if summary["device"] == "cpu":
        lines.append("- (on a CPU a stage's minutes are its process's CPU time divided by its threads)")
    curves = [("autoencoder reconstruction (L1 + MSE)", ae["losses"]), ("teacher v-prediction MSE", summary["unet"]["losses"])]
    if "distill" in summary:
        curves.append(("student x0 error against the teacher's 8-step DDIM (weighted)", summary["distill"]["losses"]))
    if "temporal" in summary:
        curves.append(("temporal layers' clean-frame error (weighted)", summary["temporal"]["losses"]))
    for name, losses in curves:
        if not losses:  # a stage shorter than its logging interval
            continue
        steps, values = np.array([l[0] for l in losses]), np.array([l[1] for l in losses])
        marks = sorted(set(int(x) for x in np.linspace(0, len(values) - 1, 7)))
        lines.append(f"- {name}, logged mean at step: " + ", ".join(f"{steps[i]}: {values[i]:.4f}" for i in marks))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="sets/models/default")
    parser.add_argument("--work", default="/tmp/afterimage_train")
    parser.add_argument("--out", help="folder for REPORT.md and the grids (default: the model folder)")
    parser.add_argument("--data", default=str(HERE), help="folder of the data.py the model was trained with")
    parser.add_argument("--timings", help="a text file of engine timings to include verbatim")
    parser.add_argument("--held-out", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--judge-per-style", type=int, default=150)
    parser.add_argument("--judge-steps", type=int, default=1500)
    parser.add_argument("--clip-frames", type=int, default=8)
    parser.add_argument("--temporal-window", type=int, default=8,
                        help="frames the temporal layers attend over in the stream clips (with motion_adapter/)")
    parser.add_argument("--render", help="a video rendered with the model (e.g. out/demo.mp4 of ./afterimage.sh demo): "
                                         "a strip of its frames and its colour diversity")
    parser.add_argument("--strip-frames", type=int, default=12)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sys.path.insert(0, str(Path(args.data).resolve()))
    import data
    from judge import JUDGE_SIZE, StyleJudge, flicker, hue_entropy, sharpness

    def picture(style, seed):
        return torch.as_tensor(np.asarray(data.make_image(style, seed)))

    folder = Path(args.model)
    out_dir = Path(args.out) if args.out else folder
    out_dir.mkdir(parents=True, exist_ok=True)
    unet, vae, scheduler, names, table = load(folder)
    trained = json.loads((folder / "styles" / "styles.json").read_text()).get("trained", names)
    styles = [s for s in trained if s in data.STYLES]

    held = {s: torch.stack([picture(s, HELD_OUT_SEED + i) for i in range(args.held_out)]) for s in styles}
    held_features = {s: features(v) for s, v in held.items()}
    centroids = torch.stack([held_features[s].mean(0) for s in styles])
    spread = torch.stack([held_features[s].std(0) for s in styles]).mean(0) + 1e-3

    def classify(f):
        return (((f[:, None] - centroids[None]) / spread) ** 2).sum(-1).argmin(1)

    judge = StyleJudge(styles, args.work, args.judge_per_style, args.judge_steps, workers=args.threads,
                       log=lambda line: print(line, flush=True))
    judge_held = np.mean([float((judge.predict(held[s]) == i).float().mean()) for i, s in enumerate(styles)])
    held_hue = {s: hue_entropy(held[s]) for s in styles}
    held_hue_all = hue_entropy(torch.cat([held[s] for s in styles]))
    held_sharp = {s: float(sharpness(held[s]).mean()) for s in styles}

    # The autoencoder alone: held-out pictures through encode + decode (the ceiling for any sample's detail).
    with torch.no_grad():
        psnr, ae_sharp = {}, {}
        for s in styles:
            rec = (vae.decode(vae.encode(held[s] * 2 - 1).latents).sample / 2 + 0.5).clamp(0, 1)
            mse = ((rec - held[s]) ** 2).mean((1, 2, 3))
            psnr[s] = float((10 * torch.log10(1 / mse)).mean())
            ae_sharp[s] = float(sharpness(rec).mean()) / held_sharp[s]
    held_accuracy = np.mean([float((classify(held_features[s]) == i).float().mean()) for i, s in enumerate(styles)])
    rows, judged, render_hue = {}, {}, {}
    for steps in STEPS:
        grid = Image.new("RGB", (96 * (SAMPLES + 1) + 8, 96 * len(styles)))
        everything = []
        for i, style in enumerate(styles):
            images = generate(unet, vae, scheduler, table[names.index(style)][None], range(SAMPLES), steps)
            everything.append(images)
            f = features(images)
            colour = float((f[:, :6].mean(0) - held_features[style][:, :6].mean(0)).norm())
            spectrum = float(((f[:, 6:].mean(0) - held_features[style][:, 6:].mean(0)) * 4).norm())
            hits = float((classify(f) == i).float().mean())
            rows.setdefault(style, []).append((colour, spectrum, hits))
            judged.setdefault(style, []).append((float((judge.predict(images) == i).float().mean()),
                                                 hue_entropy(images), float(sharpness(images).mean()) / held_sharp[style]))
            for j, thumb in enumerate(thumbnails(held[style][:1]) + thumbnails(images)):
                grid.paste(thumb, (96 * j + (8 if j else 0), 96 * i))
        render_hue[steps] = hue_entropy(torch.cat(everything))
        grid.save(out_dir / f"samples_{steps}step.jpg", quality=88)
        print(f"{steps} step(s) done", flush=True)

    # flicker: the model's stream clip beside the procedural clips of the style
    # (and with the temporal layers where the model has them)
    temporal = (temporal_unet(unet, folder, args.temporal_window) if (folder / "motion_adapter").exists()
                else None)
    clips = {}
    strip = Image.new("RGB", (96 * args.clip_frames * (2 if temporal else 1) + (8 if temporal else 0),
                              96 * len(styles)))
    for i, style in enumerate(styles):
        clip = stream_clip(unet, vae, scheduler, table[names.index(style)], args.clip_frames)
        with_layers = (stream_clip(unet, vae, scheduler, table[names.index(style)], args.clip_frames,
                                   stream_unet=temporal) if temporal else None)
        reference = (np.mean([flicker(torch.as_tensor(data.make_clip(style, HELD_OUT_SEED + k, args.clip_frames)))
                              for k in range(3)]) if hasattr(data, "make_clip") else float("nan"))
        clips[style] = (flicker(clip), reference, flicker(with_layers) if temporal else None)
        for j, thumb in enumerate(thumbnails(clip) + (thumbnails(with_layers) if temporal else [])):
            strip.paste(thumb, (96 * j + (8 if j >= args.clip_frames else 0), 96 * i))
    strip.save(out_dir / "stream_clips.jpg", quality=88)

    # the floor: a second held-out set against the first
    floor = []
    for i, style in enumerate(styles):
        f = features(torch.stack([picture(style, HELD_OUT_SEED + 500 + k) for k in range(SAMPLES)]))
        floor.append((float((f[:, :6].mean(0) - held_features[style][:, :6].mean(0)).norm()),
                      float(((f[:, 6:].mean(0) - held_features[style][:, 6:].mean(0)) * 4).norm())))

    params = {n: sum(p.numel() for p in m.parameters()) for n, m in (("unet", unet), ("vae", vae))}
    params["vae decoder"] = sum(p.numel() for p in vae.decoder.parameters())
    params["styles"] = table.numel()
    unet_gflop, decode_gflop = flops(unet, vae, 1)
    files = sorted(folder.rglob("*.safetensors"))
    weight_bytes = sum(f.stat().st_size for f in files)

    out = ["# The default model: report", "",
           "Trained from procedural pictures only (tools/train/data.py; see SOURCES.md) by `tools/train/train.py`",
           "(the exact command is in tools/train/README.md); this file and the sample grids by `tools/train/report.py`.",
           "",
           "## Size and compute", "",
           f"- UNet {params['unet'] / 1e6:.2f} M parameters, autoencoder {params['vae'] / 1e6:.3f} M "
           f"(decoder {params['vae decoder'] / 1e6:.3f} M), style table {params['styles']} values "
           f"({len(names)} styles x {table.shape[1]} tokens x {table.shape[2]})",
           f"- weights on disk (fp16 safetensors): {weight_bytes / 2 ** 20:.1f} MiB (budget 20 MB)",
           f"- one 256x256 frame: UNet {unet_gflop:.2f} GFLOP per step, decode {decode_gflop:.2f} GFLOP: "
           + ", ".join(f"{s} step{'s' if s > 1 else ''} {s * unet_gflop + decode_gflop:.2f} GFLOP" for s in STEPS)
           + " (budget 10; multiply-add = 2 FLOP)",
           "- sampler: DDIM, v-prediction, trailing timesteps (1 step: 999; 2: 999, 499; 4: 999, 749, 499, 249); the "
           "UNet is a student distilled for these schedules and the live img2img ones (train.py distill)", ""]
    if args.timings:
        out += ["## Engine timings", "", "```", Path(args.timings).read_text().rstrip(), "```", ""]
    out += ["## Autoencoder", "", "PSNR (dB) of held-out pictures through encode + decode: "
            + ", ".join(f"{s} {psnr[s]:.1f}" for s in styles) + f"; mean {np.mean(list(psnr.values())):.1f}.", "",
            "Sharpness they keep (high-frequency energy of the luminance through encode + decode over the "
            "pictures'; the ceiling for the samples' sharpness below): "
            + ", ".join(f"{s} {ae_sharp[s]:.3f}" for s in styles) + f"; mean {np.mean(list(ae_sharp.values())):.3f}.", ""]
    out += ["## Quality", "",
            f"Per style: {SAMPLES} samples (seeds 0-{SAMPLES - 1}) against {args.held_out} held-out procedural "
            "pictures. colour = L2 distance of the mean (RGB mean, RGB std) vector; spectrum = L2 distance of the "
            "mean log10 power in 6 radial frequency bands of the luminance; style = share of samples a "
            "nearest-centroid classifier on these 12 features (fit on the held-out pictures; it scores "
            f"{held_accuracy:.0%} on them) assigns to the intended style (chance {1 / len(styles):.0%}). "
            "floor = a second held-out set of the same size against the first.", "",
            "| style | " + " | ".join(f"{s} step colour / spectrum / style" for s in STEPS) + " | floor colour / spectrum |",
            "|---|" + "---|" * (len(STEPS) + 1)]
    for i, style in enumerate(styles):
        cells = [f"{c:.3f} / {sp:.2f} / {h:.0%}" for c, sp, h in rows[style]]
        out.append(f"| {style} | " + " | ".join(cells) + f" | {floor[i][0]:.3f} / {floor[i][1]:.2f} |")
    means = [np.mean([rows[s][k] for s in styles], 0) for k in range(len(STEPS))]
    out.append("| **mean** | " + " | ".join(f"{m[0]:.3f} / {m[1]:.2f} / {m[2]:.0%}" for m in means)
               + f" | {np.mean([f[0] for f in floor]):.3f} / {np.mean([f[1] for f in floor]):.2f} |")
    info = judge.info
    out += ["", "## The network judge, colour diversity, sharpness, flicker", "",
            f"judge = share of the samples above that a small convolutional classifier (tools/train/judge.py; "
            f"{info['steps']} steps of {info['batch']} pictures at {JUDGE_SIZE}x{JUDGE_SIZE}, on "
            f"{info['pictures']} procedural pictures from seeds no model trains on) assigns to the intended style; "
            f"it scores {judge_held:.0%} on the held-out pictures. hue = entropy (bits) of the hue histogram of the "
            f"samples' coloured pixels (held-out pictures beside it; all hues alike: 5.17). sharp = high-frequency "
            "energy of the luminance relative to the held-out pictures' (1 = as sharp). flicker = mean absolute "
            f"change of the 8x8-pooled luminance between frames of a {args.clip_frames}-frame stream clip "
            "(1-step img2img of each previous frame at strength 0.35, fresh noise each frame) beside three "
            "procedural clips of the style at 12 frames/s"
            + (f"; with temporal layers: the same stream through the model's temporal layers (motion_adapter/), "
               f"each attending causally over the last {args.temporal_window} frames as the engine streams them"
               if temporal else "") + ".", "",
            "| style | " + " | ".join(f"{s} step judge / hue / sharp" for s in STEPS) + " | held-out hue | flicker stream"
            + (" / with temporal layers" if temporal else "") + " / procedural |",
            "|---|" + "---|" * (len(STEPS) + 2)]
    for style in styles:
        cells = [f"{j:.0%} / {h:.2f} / {sh:.3f}" for j, h, sh in judged[style]]
        out.append(f"| {style} | " + " | ".join(cells) + f" | {held_hue[style]:.2f} | {clips[style][0]:.4f} / "
                   + (f"{clips[style][2]:.4f} / " if temporal else "") + f"{clips[style][1]:.4f} |")
    jmeans = [np.mean([judged[s][k] for s in styles], 0) for k in range(len(STEPS))]
    out.append("| **mean** | " + " | ".join(f"{m[0]:.0%} / {m[1]:.2f} / {m[2]:.2f}" for m in jmeans)
               + f" | {np.mean(list(held_hue.values())):.2f} | {np.mean([c[0] for c in clips.values()]):.4f} / "
               + (f"{np.mean([c[2] for c in clips.values()]):.4f} / " if temporal else "")
               + f"{np.mean([c[1] for c in clips.values()]):.4f} |")
    out += ["", "Colour diversity across the whole render (all styles' samples pooled): "
            + ", ".join(f"{s} step{'s' if s > 1 else ''} {render_hue[s]:.2f} bits" for s in STEPS)
            + f"; held-out pictures {held_hue_all:.2f} bits.", ""]
    if args.render:
        frames = render_frames(args.render)
        picks = np.linspace(0, len(frames) - 1, args.strip_frames).round().astype(int)
        strip = Image.new("RGB", (96 * args.strip_frames, 96))
        for j, thumb in enumerate(thumbnails(frames[picks])):
            strip.paste(thumb, (96 * j, 0))
        strip.save(out_dir / "render_strip.jpg", quality=88)
        out += [f"A render with the model ({Path(args.render).name}, {len(frames)} frames): colour diversity "
                f"{hue_entropy(frames):.2f} bits over all its frames (held-out pictures {held_hue_all:.2f}); "
                f"[{args.strip_frames} of its frames, evenly spaced](render_strip.jpg).", "",
                "![render](render_strip.jpg)", ""]
    out += ["Sample grids (first column: a held-out procedural picture of the style; then seeds 0-5): "
            + ", ".join(f"[{s} step](samples_{s}step.jpg)" for s in STEPS)
            + f"; [stream clips](stream_clips.jpg) (one row per style, {args.clip_frames} frames"
            + (", then the same with the temporal layers" if temporal else "") + ").", "",
            "![2 steps](samples_2step.jpg)", "", "## Training", "", training_summary(args.work), ""]
    (out_dir / "REPORT.md").write_text("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
