"""Capacity study for the default model's autoencoder: short trainings of the
shapes the engine can load (engine/models/tiny_autoencoder.cpp: the TAESD
layout, 8x down, 3 blocks per level, any width, any latent channel count) on
the sharp styles, each to the same number of steps with train.py's objective,
then the PSNR of held-out pictures (report.py's seeds) through encode +
decode, the parameters and the decoder's GFLOP per 256x256 frame:

    python tools/train/ae_capacity.py --shapes 16x4,16x8,16x16,24x8,32x4 --steps 600 \
        --styles voronoi,moire,starfield,op_art,laser,grid --out /tmp/ae_capacity.md

WIDTHxLATENT per shape. Every shape sees the same crops in the same order
(seeded), so the figures differ by the shape alone. One thread by default.

--trained W1,W2 judges the autoencoders that train.py trained in those work
folders (their ae.pt) on the same held-out pictures, beside or instead of
trained shapes (--shapes "").

--pca 4,8,16 adds, per latent channel count, the PSNR of the best linear
code of as many numbers per 8x8 patch (principal components of the training
pictures' patches): what the bottleneck alone lets through without any
learning, a floor under a converged autoencoder of that latent size.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import make_image  # noqa: E402
from report import HELD_OUT_SEED  # noqa: E402
from train import ae_loss, ae_model, decode, encode, init_ae, load_ae  # noqa: E402


def psnr(vae, pictures):
    with torch.no_grad():
        rec = decode(vae, encode(vae, pictures)).clamp(0, 1)
    return (10 * torch.log10(1 / ((rec - pictures) ** 2).mean((1, 2, 3)))).tolist()


def patches(images):
    """[N, 3, H, W] -> [N * H/8 * W/8, 192] 8x8 patches."""
    n, c, h, w = images.shape
    return images.reshape(n, c, h // 8, 8, w // 8, 8).permute(0, 2, 4, 1, 3, 5).reshape(-1, c * 64)


def pca_psnr(train, held, channels):
    """PSNR per held-out picture of its 8x8 patches projected on the `channels` first principal components of
    the training pictures' patches (mean removed)."""
    x = patches(train).double()
    mean = x.mean(0)
    _, _, v = torch.linalg.svd(x[::7] - mean, full_matrices=False)
    basis = v[:channels].T
    out = []
    for picture in held:
        p = patches(picture[None]).double() - mean
        rec = (p @ basis @ basis.T).clamp(-mean, 1 - mean)
        out.append(float(10 * torch.log10(1 / ((rec - p) ** 2).mean())))
    return out


def decode_gflop(vae, latent_channels):
    from torch.utils.flop_counter import FlopCounterMode
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        decode(vae, torch.randn(1, latent_channels, 32, 32))
    return counter.get_total_flops() / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default="16x4,16x8,16x16,24x8,32x4")
    parser.add_argument("--styles", default="voronoi,moire,starfield,op_art,laser,grid")
    parser.add_argument("--per-style", type=int, default=24, help="training pictures per style")
    parser.add_argument("--held-out", type=int, default=4, help="held-out pictures per style")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--crop", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cuda: the same study to convergence in minutes (bf16 autocast)")
    parser.add_argument("--pca", default="", help="latent channel counts for the linear-code floor, e.g. 4,8,16")
    parser.add_argument("--trained", default="", help="train.py work folders whose ae.pt to judge, e.g. W1,W2")
    parser.add_argument("--out", help="append the table here (markdown)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    styles = args.styles.split(",")
    dev = torch.device(args.device)
    pictures = torch.from_numpy(np.stack([make_image(s, k) for s in styles for k in range(args.per_style)]))
    held = {s: torch.from_numpy(np.stack([make_image(s, HELD_OUT_SEED + k) for k in range(args.held_out)]))
            for s in styles}
    rows = []
    for work in [w for w in args.trained.split(",") if w]:
        vae = load_ae(work)
        saved = torch.load(Path(work) / "ae.pt", weights_only=False, map_location="cpu")["state"]
        per_style = {s: float(np.mean(psnr(vae, held[s]))) for s in styles}
        label = (f"{work}: {saved['width']}x{saved['latent_channels']}, {saved['step']} steps of {saved['batch']} "
                 f"crops of {saved['crop']}")
        rows.append((label, sum(p.numel() for p in vae.parameters()), decode_gflop(vae, saved["latent_channels"]),
                     per_style, saved["seconds"]))
        print(f"{label}: mean {np.mean(list(per_style.values())):.1f} dB "
              + " ".join(f"{s} {v:.1f}" for s, v in per_style.items()), flush=True)
    for channels in [int(c) for c in args.pca.split(",") if c]:
        per_style = {s: float(np.mean(pca_psnr(pictures, held[s], channels))) for s in styles}
        rows.append((f"linear code, {channels} per 8x8", 0, 0.0, per_style, 0.0))
        print(f"pca {channels}: mean {np.mean(list(per_style.values())):.1f} dB "
              + " ".join(f"{s} {v:.1f}" for s, v in per_style.items()), flush=True)
    for shape in (args.shapes.split(",") if args.shapes else []):
        width, latent = (int(v) for v in shape.split("x"))
        torch.manual_seed(0)
        vae = init_ae(ae_model(width, latent)).to(dev)
        opt = torch.optim.AdamW(vae.parameters(), lr=args.lr, weight_decay=0.0)
        gen = torch.Generator().manual_seed(0)
        on_device = pictures.to(dev)
        precision = torch.autocast("cuda", dtype=torch.bfloat16, enabled=dev.type == "cuda")
        start = time.time()
        for step in range(args.steps):
            idx = torch.randint(0, len(pictures), (args.batch,), generator=gen)
            y, x = (torch.randint(0, (256 - args.crop) // 8 + 1, (2,), generator=gen) * 8).tolist()
            batch = on_device[idx.to(dev), :, y:y + args.crop, x:x + args.crop]
            loss, _ = ae_loss(vae, batch, torch.Generator(dev).manual_seed(step) if dev.type == "cuda" else gen,
                              precision)
            for g in opt.param_groups:  # cosine to 10% over the steps
                g["lr"] = args.lr * (0.1 + 0.45 * (1 + np.cos(np.pi * step / args.steps)))
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds = time.time() - start
        vae = vae.float().cpu().eval()
        per_style = {s: float(np.mean(psnr(vae, held[s]))) for s in styles}
        params = sum(p.numel() for p in vae.parameters())
        rows.append((shape, params, decode_gflop(vae, latent), per_style, seconds))
        print(f"{shape}: mean {np.mean(list(per_style.values())):.1f} dB "
              + " ".join(f"{s} {v:.1f}" for s, v in per_style.items())
              + f" ({params / 1e6:.3f} M parameters, {seconds:.0f} s)", flush=True)
    lines = [f"| width x latent channels | parameters | decode GFLOP (256x256) | " + " | ".join(styles)
             + " | mean PSNR (dB) | training time |", "|---" * (len(styles) + 5) + "|"]
    for shape, params, gflop, per_style, seconds in rows:
        trained = params > 0
        lines.append(f"| {shape} | " + (f"{params / 1e6:.3f} M | {gflop:.2f}" if trained else "- | -") + " | "
                     + " | ".join(f"{per_style[s]:.1f}" for s in styles)
                     + f" | **{np.mean(list(per_style.values())):.1f}** | "
                     + (f"{seconds / 60:.1f} min |" if trained else "- |"))
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "a") as f:
            f.write(f"\n{' '.join(sys.argv)}\n\n{table}\n")


if __name__ == "__main__":
    main()
