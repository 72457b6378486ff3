"""Trains the default model (sets/models/default/) from procedural pictures
only (tools/train/data.py), on CPU or CUDA, seeded and resumable:

    /work/venv/bin/python tools/train/train.py all --work /tmp/afterimage_train \
        --ae-minutes 20 --unet-minutes 45 --out sets/models/default

Stages (each resumes from its checkpoint in --work; `all` runs those not done):
  data     pictures per style, 256x256, cached as uint8 shards
  ae       a narrow TAESD-family autoencoder (diffusers AutoencoderTiny,
           width 16, 4 latent channels) on random crops; latents kept near
           zero mean and unit variance, since the engine feeds them to the
           UNet unscaled
  latents  every cached picture (and its mirror image) encoded once
  unet     a small UNet2DConditionModel conditioned on a learned table of
           style tokens (cross-attention context [T, D] per style); the
           v-prediction objective with a DDIM schedule whose trailing
           timesteps 999/749/499/249 (the 1-, 2- and 4-step schedules) get
           half of the samples; EMA weights are exported
  export   fp16 safetensors in diffusers layout + styles/ + model_index.json
"""
import argparse
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import SIZE, STYLES, make_image  # noqa: E402

TOKENS = 4          # context tokens per style
STYLE_DIM = 64      # cross_attention_dim
EXTRA_STYLES = ["any", "free1", "free2", "free3"]  # "any": trained unconditionally; free*: untrained, for sets
TRAILING = [999, 749, 499, 249]
AE_WIDTH = 16


def ae_model():
    from diffusers import AutoencoderTiny
    return AutoencoderTiny(encoder_block_out_channels=(AE_WIDTH,) * 4, decoder_block_out_channels=(AE_WIDTH,) * 4,
                           latent_channels=4)


def init_ae(vae):
    """He-normal convolutions and residual blocks that start as the identity:
    with PyTorch's default init this narrow, deep ReLU stack passes almost no
    input-dependent signal and trains for thousands of steps to a greyscale
    plateau; with this init it learns colour in a few hundred."""
    from diffusers.models.autoencoders.vae import AutoencoderTinyBlock
    for m in vae.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias)
    for m in vae.modules():
        if isinstance(m, AutoencoderTinyBlock):
            torch.nn.init.zeros_(m.conv[4].weight)
    return vae


def unet_model():
    from diffusers import UNet2DConditionModel
    return UNet2DConditionModel(
        sample_size=SIZE // 8, in_channels=4, out_channels=4, block_out_channels=(32, 64, 128), layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(1, 2, 4), cross_attention_dim=STYLE_DIM, norm_num_groups=8, use_linear_projection=True)


def scheduler_config():
    return {"_class_name": "DDIMScheduler", "num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02,
            "beta_schedule": "linear", "prediction_type": "v_prediction", "timestep_spacing": "trailing",
            "steps_offset": 0, "set_alpha_to_one": True, "clip_sample": False, "thresholding": False}


def alphas_cumprod():
    c = scheduler_config()
    betas = torch.linspace(c["beta_start"], c["beta_end"], c["num_train_timesteps"], dtype=torch.float64)
    return torch.cumprod(1 - betas, 0).float()


# TAESD's convention, as the engine runs it: images in [0, 1], the decoder
# soft-clamps its input to +-3.
def encode(vae, images01):
    return vae.encoder.layers(images01)


def decode(vae, latents):
    return vae.decoder.layers(torch.tanh(latents / 3) * 3)


def log(work, line):
    print(line, flush=True)
    with open(Path(work) / "train.log", "a") as f:
        f.write(line + "\n")


# ---------------------------------------------------------------- data
def stage_data(args):
    shards = Path(args.work) / "data"
    shards.mkdir(parents=True, exist_ok=True)
    for s, style in enumerate(STYLES):
        path = shards / f"{style}.npy"
        if path.exists() and np.load(path, mmap_mode="r").shape[0] >= args.per_style:
            continue
        start = time.time()
        # seeds 0..per_style-1 train; held-out pictures use seeds from 1_000_000 (report.py)
        pics = np.stack([(make_image(style, seed).numpy() * 255).round().astype(np.uint8)
                         for seed in range(args.per_style)])
        np.save(path, pics)
        log(args.work, f"data: {style}: {len(pics)} pictures in {time.time() - start:.0f} s")


def load_pictures(work):
    pics, labels = [], []
    for s, style in enumerate(STYLES):
        p = np.load(Path(work) / "data" / f"{style}.npy")
        pics.append(p)
        labels += [s] * len(p)
    return np.concatenate(pics), np.array(labels)


# ---------------------------------------------------------------- autoencoder
def stage_ae(args):
    ckpt = Path(args.work) / "ae.pt"
    torch.manual_seed(args.seed)
    vae = init_ae(ae_model())
    opt = torch.optim.AdamW(vae.parameters(), lr=1e-3, weight_decay=0.0)
    state = {"step": 0, "seconds": 0.0, "losses": []}
    if ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        vae.load_state_dict(saved["model"]), opt.load_state_dict(saved["opt"]), state.update(saved["state"])
    pics, _ = load_pictures(args.work)
    rng = np.random.default_rng(args.seed + state["step"])
    crop, batch = 64, 16
    start, last_save = time.time() - state["seconds"], time.time()
    while time.time() - start < args.ae_minutes * 60:
        idx = rng.integers(0, len(pics), batch)
        ys, xs = rng.integers(0, SIZE - crop + 1, batch) // 8 * 8, rng.integers(0, SIZE - crop + 1, batch) // 8 * 8
        x = torch.from_numpy(np.stack([pics[i, :, y:y + crop, x_:x_ + crop] for i, y, x_ in zip(idx, ys, xs)]))
        x = x.float() / 255
        lat = encode(vae, x)
        noisy = lat + 0.1 * torch.randn_like(lat) * (torch.rand(batch, 1, 1, 1) < 0.5)  # robust to imperfect latents
        out = decode(vae, noisy)
        rec = F.l1_loss(out, x) + F.mse_loss(out, x)
        grad = F.l1_loss(out.diff(dim=-1), x.diff(dim=-1)) + F.l1_loss(out.diff(dim=-2), x.diff(dim=-2))
        mean, var = lat.mean(dim=(0, 2, 3)), lat.var(dim=(0, 2, 3))
        moments = (mean ** 2).mean() + ((var - 1) ** 2).mean()
        # Colour is a smaller share of the variance than luminance detail; without
        # this extra weight on chroma (RGB minus its mean) the narrow autoencoder
        # sits for thousands of steps at greyscale reconstructions.
        chroma = F.mse_loss(out - out.mean(1, keepdim=True), x - x.mean(1, keepdim=True))
        loss = rec + grad + 4 * chroma + 0.02 * moments
        opt.zero_grad()
        loss.backward()
        opt.step()
        state["step"] += 1
        state["losses"].append((state["step"], rec.item(), moments.item()))
        if state["step"] % 50 == 0:
            log(args.work, f"ae step {state['step']}: rec {rec:.4f} grad {grad:.4f} chroma {chroma:.4f} latent mean {mean.abs().mean():.2f} "
                           f"var {var.mean():.2f} ({time.time() - start:.0f} s)")
        if time.time() - last_save > 120:
            state["seconds"] = time.time() - start
            torch.save({"model": vae.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt)
            last_save = time.time()
    state["seconds"] = time.time() - start
    torch.save({"model": vae.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt)
    log(args.work, f"ae: {state['step']} steps in {state['seconds']:.0f} s")


def load_ae(work):
    vae = ae_model()
    vae.load_state_dict(torch.load(Path(work) / "ae.pt", weights_only=False)["model"])
    return vae.eval()


# ---------------------------------------------------------------- latents
def stage_latents(args):
    path = Path(args.work) / "latents.pt"
    if path.exists():
        return
    vae = load_ae(args.work)
    pics, labels = load_pictures(args.work)
    out = []
    with torch.no_grad():
        for i in range(0, len(pics), 32):
            x = torch.from_numpy(pics[i:i + 32]).float() / 255
            out.append(torch.cat([encode(vae, x), encode(vae, x.flip(-1))]).half())
    lat = torch.cat([torch.cat([o[:len(o) // 2] for o in out]), torch.cat([o[len(o) // 2:] for o in out])])
    lab = torch.from_numpy(np.concatenate([labels, labels]))
    torch.save({"latents": lat, "labels": lab}, path)
    log(args.work, f"latents: {tuple(lat.shape)}, mean {lat.float().mean():.3f} std {lat.float().std():.3f}")


# ---------------------------------------------------------------- UNet
class StyleTable(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = torch.nn.Parameter(torch.randn(len(STYLES) + len(EXTRA_STYLES), TOKENS, STYLE_DIM))

    def forward(self, labels):
        return self.embeddings[labels]


def stage_unet(args):
    ckpt = Path(args.work) / "unet.pt"
    torch.manual_seed(args.seed + 1)
    unet, table = unet_model(), StyleTable()
    ema_unet, ema_table = unet_model(), StyleTable()
    ema_unet.load_state_dict(unet.state_dict()), ema_table.load_state_dict(table.state_dict())
    params = list(unet.parameters()) + list(table.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    state = {"step": 0, "seconds": 0.0, "losses": []}
    if ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        unet.load_state_dict(saved["unet"]), table.load_state_dict(saved["table"])
        ema_unet.load_state_dict(saved["ema_unet"]), ema_table.load_state_dict(saved["ema_table"])
        opt.load_state_dict(saved["opt"]), state.update(saved["state"])
    data = torch.load(Path(args.work) / "latents.pt")
    lat, labels = data["latents"], data["labels"]
    ab = alphas_cumprod()
    any_index = len(STYLES)
    gen = torch.Generator().manual_seed(args.seed + 2 + state["step"])
    batch = args.batch
    start, last_save = time.time() - state["seconds"], time.time()

    def save():
        state["seconds"] = time.time() - start
        torch.save({"unet": unet.state_dict(), "table": table.state_dict(), "ema_unet": ema_unet.state_dict(),
                    "ema_table": ema_table.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt)

    while time.time() - start < args.unet_minutes * 60:
        # Mostly 16x16 latent crops (4x cheaper on a CPU; the UNet is
        # convolutional), every fourth step whole 32x32 latents for layout.
        full = state["step"] % 4 == 3
        n, crop = (max(batch // 4, 1), lat.shape[-1]) if full else (batch, lat.shape[-1] // 2)
        idx = torch.randint(0, len(lat), (n,), generator=gen)
        oy, ox = torch.randint(0, lat.shape[-2] - crop + 1, (2,), generator=gen).tolist()
        x0, lab = lat[idx, :, oy:oy + crop, ox:ox + crop].float(), labels[idx].clone()
        lab[torch.rand(n, generator=gen) < 0.1] = any_index
        t = torch.randint(0, 1000, (n,), generator=gen)
        pick = torch.rand(n, generator=gen) < 0.5
        t[pick] = torch.tensor(TRAILING)[torch.randint(0, 4, (int(pick.sum()),), generator=gen)]
        eps = torch.randn(x0.shape, generator=gen)
        a = ab[t].sqrt()[:, None, None, None]
        s = (1 - ab[t]).sqrt()[:, None, None, None]
        xt = a * x0 + s * eps
        v = a * eps - s * x0
        pred = unet(xt, t, encoder_hidden_states=table(lab)).sample
        loss = F.mse_loss(pred, v)
        warm = min(1.0, (state["step"] + 1) / 200)
        for g in opt.param_groups:
            g["lr"] = args.lr * warm
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        state["step"] += 1
        decay = min(args.ema, (1 + state["step"]) / (10 + state["step"]))
        with torch.no_grad():
            for m, e in ((unet, ema_unet), (table, ema_table)):
                for p, q in zip(m.parameters(), e.parameters()):
                    q.lerp_(p, 1 - decay)
        state["losses"].append((state["step"], loss.item()))
        if state["step"] % 25 == 0:
            recent = np.mean([l for _, l in state["losses"][-25:]])
            log(args.work, f"unet step {state['step']}: loss {recent:.4f} ({time.time() - start:.0f} s)")
        if time.time() - last_save > 120:
            save()
            last_save = time.time()
    save()
    log(args.work, f"unet: {state['step']} steps in {state['seconds']:.0f} s")


# ---------------------------------------------------------------- export
def stage_export(args):
    from safetensors.torch import save_file
    out = Path(args.out)
    for sub in ("unet", "vae", "scheduler", "styles"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    vae = load_ae(args.work).half()
    vae.save_pretrained(str(out / "vae"), safe_serialization=True)
    saved = torch.load(Path(args.work) / "unet.pt", weights_only=False)
    unet = unet_model()
    unet.load_state_dict(saved["ema_unet"])
    unet.half().save_pretrained(str(out / "unet"), safe_serialization=True)
    (out / "scheduler").mkdir(parents=True)
    (out / "scheduler" / "scheduler_config.json").write_text(json.dumps(scheduler_config(), indent=2) + "\n")
    (out / "styles").mkdir(parents=True)
    table = saved["ema_table"]["embeddings"].half().contiguous()
    save_file({"embeddings": table}, str(out / "styles" / "styles.safetensors"))
    (out / "styles" / "styles.json").write_text(json.dumps({
        "styles": STYLES + EXTRA_STYLES, "tokens": TOKENS, "dim": STYLE_DIM,
        "trained": STYLES + ["any"],
        "note": "'any' is the unconditional style (10% of training); free1..3 are untrained random tokens"},
        indent=2) + "\n")
    (out / "model_index.json").write_text(json.dumps({
        "_class_name": "AfterimageStyleDiffusion", "afterimage_conditioning": "style_tokens",
        "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderTiny"],
        "scheduler": ["diffusers", "DDIMScheduler"], "styles": "styles/styles.safetensors",
        "training": {"ae_steps": torch.load(Path(args.work) / "ae.pt", weights_only=False)["state"]["step"],
                     "unet_steps": saved["state"]["step"], "unet_seconds": round(saved["state"]["seconds"])}},
        indent=2) + "\n")
    log(args.work, f"export: {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["data", "ae", "latents", "unet", "export", "all"])
    parser.add_argument("--work", default="/tmp/afterimage_train")
    parser.add_argument("--out", default="sets/models/default")
    parser.add_argument("--per-style", type=int, default=120)
    parser.add_argument("--ae-minutes", type=float, default=20)
    parser.add_argument("--unet-minutes", type=float, default=45)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-4)
    parser.add_argument("--ema", type=float, default=0.995)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    Path(args.work).mkdir(parents=True, exist_ok=True)
    stages = {"data": stage_data, "ae": stage_ae, "latents": stage_latents, "unet": stage_unet, "export": stage_export}
    for name in (list(stages) if args.stage == "all" else [args.stage]):
        stages[name](args)


if __name__ == "__main__":
    main()
