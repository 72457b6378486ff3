"""Trains the default model (sets/models/default/) from procedural pictures
only (tools/train/data.py), on CPU or CUDA, seeded and resumable:

    /work/venv/bin/python tools/train/train.py all --work /tmp/afterimage_train \
        --ae-minutes 20 --unet-minutes 45 --distill-minutes 20 --out sets/models/default

Stages (each resumes from its checkpoint in --work; `all` runs those not done):
  data     pictures per style, 256x256, cached as uint8 shards
  clips    (with --temporal-minutes) clips per style, CLIP_FRAMES frames
           CLIP_DT apart, cached the same way
  ae       a narrow TAESD-family autoencoder (diffusers AutoencoderTiny,
           width 16, 4 latent channels) on random crops; latents kept near
           zero mean and unit variance, since the engine feeds them to the
           UNet unscaled
  latents  every cached picture (and its mirror image) encoded once
  unet     a small UNet2DConditionModel conditioned on a learned table of
           style tokens (cross-attention context [T, D] per style); the
           v-prediction objective with a DDIM schedule whose trailing
           timesteps 999/749/499/249 (the 1-, 2- and 4-step schedules) get
           half of the samples; this is the many-step teacher
  distill  the few-step student (starts as the teacher): for the engine's own
           schedules (trailing txt2img and the live stream img2img schedule
           at any strength, 1, 2 or 4 steps) one student DDIM step from t to
           the next timestep is trained to land where the teacher's DDIM
           sampler lands in many small steps (progressive-distillation style,
           in one stage); its EMA weights are exported
  temporal (with --temporal-minutes) temporal layers (a diffusers
           MotionAdapter) on the frozen student, trained on the clips
           with causal attention over the frames, as the engine streams
           them; exported as motion_adapter/ beside unet/
  export   fp16 safetensors in diffusers layout + styles/ + model_index.json,
           and summary.json (steps, times, loss curves) in --work for report.py
  pack     (not part of `all`) the checkpoints of --work, compact, into
           --pack: what a GPU machine's output folder can carry (files of
           at most 15 MiB); `--resume-from` that folder on the next run
           unpacks them into --work first and training goes on

SIGTERM or SIGINT (e.g. `timeout`) stops the running stage at its next step
with its checkpoint saved; the stages after it are left for the next run.
"""
import argparse
import contextlib
import copy
import json
import math
import multiprocessing
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import SIZE, STYLES, make_clip, make_image  # noqa: E402

TOKENS = 4          # context tokens per style
STYLE_DIM = 64      # cross_attention_dim
EXTRA_STYLES = ["any", "free1", "free2", "free3"]  # "any": trained unconditionally; free*: untrained, for sets
TRAILING = [999, 749, 499, 249]
AE_WIDTH = 16
LATENT_CHANNELS = 4
CLIP_FRAMES = 8     # frames per training clip: the longest temporal window the model is trained for
CLIP_DT = 1 / 12    # seconds between a clip's frames: a live frame rate


def ae_model(width=AE_WIDTH, latent_channels=LATENT_CHANNELS):
    """The TAESD layout the engine loads (engine/models/tiny_autoencoder.cpp: 8x down, 3 blocks per level); one
    width for every level (diffusers' AutoencoderTiny decoder takes no other)."""
    from diffusers import AutoencoderTiny
    return AutoencoderTiny(encoder_block_out_channels=(width,) * 4, decoder_block_out_channels=(width,) * 4,
                           latent_channels=latent_channels)


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


def unet_model(latent_channels=LATENT_CHANNELS):
    from diffusers import UNet2DConditionModel
    return UNet2DConditionModel(
        sample_size=SIZE // 8, in_channels=latent_channels, out_channels=latent_channels, block_out_channels=(32, 64, 128), layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(1, 2, 4), cross_attention_dim=STYLE_DIM, norm_num_groups=8, use_linear_projection=True)


def motion_adapter_model(unet_config):
    """Temporal layers for the UNet (diffusers MotionAdapter, the layout the engine loads from motion_adapter/):
    one temporal transformer after each layer of every block, 4 heads."""
    from diffusers import MotionAdapter
    return MotionAdapter(block_out_channels=tuple(unet_config["block_out_channels"]),
                         motion_layers_per_block=unet_config["layers_per_block"], motion_mid_block_layers_per_block=1,
                         motion_num_attention_heads=4, motion_norm_num_groups=unet_config["norm_num_groups"],
                         motion_max_seq_length=32, use_motion_mid_block=True)


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


def autocast(args):
    """bf16 autocast on CUDA (the small convolutions are launch- and bandwidth-bound; bf16 halves the traffic),
    plain f32 on CPU."""
    return torch.autocast("cuda", dtype=torch.bfloat16, enabled=args.device == "cuda")


def cosine_lr(base, step, elapsed, budget, warmup=200):
    """Warm-up over the first steps, then a cosine decay over the stage's time budget to 10% of base."""
    progress = min(1.0, elapsed / max(budget, 1e-9))
    return base * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


STOP = {"asked": False}  # set by SIGTERM/SIGINT: the running stage saves and the run ends


def ask_stop(signum, frame):
    STOP["asked"] = True


# The clock the stage budgets count. On CUDA wall time; on CPU the process's own CPU seconds per thread, so a
# run in the background of a busy machine (niced, sharing its cores) trains as many steps for its minutes as
# on a quiet one, and the cosine schedule follows the steps done, not the time it waited.
CLOCK = {"now": time.time}


def budget_clock(device, threads):
    if device == "cuda":
        return time.time
    return lambda: time.process_time() / max(1, threads)


def running(start, budget):
    return CLOCK["now"]() - start < budget and not STOP["asked"]


def ema_update(model, ema, decay):
    with torch.no_grad():
        torch._foreach_lerp_(list(ema.parameters()), list(model.parameters()), 1 - decay)


# ---------------------------------------------------------------- data
def _pictures(job):
    style, first, end = job
    torch.set_num_threads(1)
    return np.stack([(make_image(style, seed) * 255).round().astype(np.uint8) for seed in range(first, end)])


def _clips(job):
    style, first, end = job
    torch.set_num_threads(1)
    return np.stack([(make_clip(style, seed, CLIP_FRAMES, CLIP_DT) * 255).round().astype(np.uint8)
                     for seed in range(first, end)])


def draw_shards(args, folder, count, draw, chunk, what):
    """`count` items per style from `draw` (a (style, first seed, end seed) job), one uint8 shard per style in
    --work/folder. Seeds 0..count-1 train; held-out pictures use seeds from 1_000_000 (report.py). Every item
    depends only on (style, seed), so the worker count changes nothing but the time."""
    shards = Path(args.work) / folder
    shards.mkdir(parents=True, exist_ok=True)
    todo = [style for style in STYLES if not ((shards / f"{style}.npy").exists()
                                              and np.load(shards / f"{style}.npy", mmap_mode="r").shape[0] >= count)]
    start = time.time()
    with multiprocessing.get_context("spawn").Pool(max(1, args.workers)) as pool:
        for style in todo:
            if STOP["asked"]:  # the styles drawn so far are saved; the next run draws the rest
                return
            jobs = [(style, a, min(a + chunk, count)) for a in range(0, count, chunk)]
            items = np.concatenate(pool.map(draw, jobs))
            np.save(shards / f"{style}.npy", items)
            log(args.work, f"{folder}: {style}: {len(items)} {what} ({time.time() - start:.0f} s)")


def stage_data(args):
    draw_shards(args, "data", args.per_style, _pictures, 40, "pictures")


def stage_clips(args):
    """Clips for the temporal layers: CLIP_FRAMES frames CLIP_DT apart, the first a training picture."""
    if args.temporal_minutes > 0:
        draw_shards(args, "clips", args.clips_per_style, _clips, 5, f"clips of {CLIP_FRAMES} frames")


def load_pictures(work, folder="data"):
    pics, labels = [], []
    for s, style in enumerate(STYLES):
        p = np.load(Path(work) / folder / f"{style}.npy")
        pics.append(p)
        labels += [s] * len(p)
    return np.concatenate(pics), np.array(labels)


# ---------------------------------------------------------------- autoencoder
def ae_loss(vae, x, gen, precision=contextlib.nullcontext()):
    """The autoencoder's objective on images x [N, 3, h, w] in [0, 1], the networks run under `precision`
    (autocast): the loss, and its parts for the log."""
    dev = x.device
    with precision:
        lat = encode(vae, x)
        noisy = lat + 0.1 * torch.randn(lat.shape, generator=gen, device=dev) * (
            torch.rand(len(x), 1, 1, 1, generator=gen, device=dev) < 0.5)  # robust to imperfect latents
        out = decode(vae, noisy)
    out, lat = out.float(), lat.float()
    rec = F.l1_loss(out, x) + F.mse_loss(out, x)
    grad = F.l1_loss(out.diff(dim=-1), x.diff(dim=-1)) + F.l1_loss(out.diff(dim=-2), x.diff(dim=-2))
    mean, var = lat.mean(dim=(0, 2, 3)), lat.var(dim=(0, 2, 3))
    moments = (mean ** 2).mean() + ((var - 1) ** 2).mean()
    # Colour is a smaller share of the variance than luminance detail; without
    # this extra weight on chroma (RGB minus its mean) the narrow autoencoder
    # sits for thousands of steps at greyscale reconstructions.
    chroma = F.mse_loss(out - out.mean(1, keepdim=True), x - x.mean(1, keepdim=True))
    return rec + grad + 4 * chroma + 0.02 * moments, (rec, grad, chroma, moments, mean, var)


def stage_ae(args):
    ckpt = Path(args.work) / "ae.pt"
    dev = args.device
    torch.manual_seed(args.seed)
    vae = init_ae(ae_model(args.ae_width, args.latent_channels)).to(dev)
    opt = torch.optim.AdamW(vae.parameters(), lr=1e-3, weight_decay=0.0)
    state = {"step": 0, "seconds": 0.0, "losses": [], "batch": args.ae_batch, "crop": args.ae_crop,
             "width": args.ae_width, "latent_channels": args.latent_channels}
    budget = args.ae_minutes * 60
    if ckpt.exists():
        saved = torch.load(ckpt, weights_only=False, map_location=dev)
        vae.load_state_dict(saved["model"]), state.update(saved["state"])
        if "opt" in saved:  # a packed checkpoint of a finished stage has none
            opt.load_state_dict(saved["opt"])
    state["budget"] = budget
    if state["seconds"] >= budget or STOP["asked"]:
        return
    if state["step"]:
        log(args.work, f"ae: going on from step {state['step']} ({state['seconds']:.0f} s of {budget:.0f})")
    pics, _ = load_pictures(args.work)
    pics = torch.from_numpy(pics).to(dev)
    gen = torch.Generator(device=dev).manual_seed(args.seed + state["step"])
    crop, batch = args.ae_crop, args.ae_batch
    start, last_save = CLOCK["now"]() - state["seconds"], time.time()

    def save():
        state["seconds"] = CLOCK["now"]() - start
        torch.save({"model": vae.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt)

    def randint(high, n):
        return torch.randint(0, high, (n,), generator=gen, device=dev)

    while running(start, budget):
        # per-sample crops at multiples of 8 (the latent grid), half of them mirrored
        idx = randint(len(pics), batch)
        ys, xs = randint((SIZE - crop) // 8 + 1, batch) * 8, randint((SIZE - crop) // 8 + 1, batch) * 8
        r = torch.arange(crop, device=dev)
        rows, cols = (ys[:, None] + r)[:, None, :, None], (xs[:, None] + r)[:, None, None, :]
        x = pics[idx[:, None, None, None], torch.arange(3, device=dev)[None, :, None, None], rows, cols]
        x = x.float() / 255
        flip = torch.rand(batch, generator=gen, device=dev) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        loss, (rec, grad, chroma, moments, mean, var) = ae_loss(vae, x, gen, autocast(args))
        for g in opt.param_groups:
            g["lr"] = cosine_lr(args.ae_lr, state["step"], CLOCK["now"]() - start, budget)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        state["step"] += 1
        if state["step"] % 50 == 0:
            state["losses"].append((state["step"], rec.item(), moments.item()))
        if state["step"] % args.log_every == 0:
            log(args.work, f"ae step {state['step']}: rec {rec:.4f} grad {grad:.4f} chroma {chroma:.4f} "
                           f"latent mean {mean.abs().mean():.2f} var {var.mean():.2f} ({CLOCK['now']() - start:.0f} s)")
        if time.time() - last_save > args.save_every:
            save()
            last_save = time.time()
    save()
    log(args.work, f"ae: {state['step']} steps in {state['seconds']:.0f} s" + (" (stopped)" if STOP["asked"] else ""))


def load_ae(work, device="cpu"):
    saved = torch.load(Path(work) / "ae.pt", weights_only=False, map_location="cpu")
    vae = ae_model(saved["state"].get("width", AE_WIDTH), saved["state"].get("latent_channels", LATENT_CHANNELS))
    vae.load_state_dict(saved["model"])
    return vae.to(device).eval()


# ---------------------------------------------------------------- latents
def encode_shards(args, folder, path):
    """Every picture of --work/folder's shards (and its mirror image) encoded once by the trained autoencoder, to
    `path`: pictures [N, 3, H, W] give latents [2N, C, h, w], clips [N, F, 3, H, W] give [2N, F, C, h, w]."""
    ae_step = torch.load(Path(args.work) / "ae.pt", weights_only=False, map_location="cpu")["state"]["step"]
    if path.exists() and torch.load(path, weights_only=False).get("ae_step") == ae_step:
        return
    vae = load_ae(args.work, args.device)
    pics, labels = load_pictures(args.work, folder)
    plain, mirrored = [], []
    per_batch = max(1, 64 // (pics.shape[1] if pics.ndim == 5 else 1))  # 64 pictures an encoder call
    with torch.no_grad():
        for i in range(0, len(pics), per_batch):
            x = torch.from_numpy(pics[i:i + per_batch]).to(args.device)
            frames = x.reshape((-1,) + x.shape[-3:]).float() / 255
            for out, y in ((plain, frames), (mirrored, frames.flip(-1))):
                lat = encode(vae, y).half().cpu()
                out.append(lat.reshape(x.shape[:-3] + lat.shape[1:]))
    lat = torch.cat(plain + mirrored)
    lab = torch.from_numpy(np.concatenate([labels, labels]))
    torch.save({"latents": lat, "labels": lab, "ae_step": ae_step}, path)
    log(args.work, f"{path.stem}: {tuple(lat.shape)}, mean {lat.float().mean():.3f} std {lat.float().std():.3f}")


def stage_latents(args):
    encode_shards(args, "data", Path(args.work) / "latents.pt")
    if args.temporal_minutes > 0:
        encode_shards(args, "clips", Path(args.work) / "clip_latents.pt")


# ---------------------------------------------------------------- UNet
class StyleTable(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = torch.nn.Parameter(torch.randn(len(STYLES) + len(EXTRA_STYLES), TOKENS, STYLE_DIM))

    def forward(self, labels):
        return self.embeddings[labels]


def v_target(ab, t, x0, eps):
    a, s = ab[t].sqrt()[:, None, None, None], (1 - ab[t]).sqrt()[:, None, None, None]
    return a * x0 + s * eps, a * eps - s * x0


def training_batch(args, lat, labels, gen, step, batch):
    """Clean latents (pictures [n, C, h, w] or clips [n, F, C, h, w]) and style labels (10% 'any'). On CPU
    mostly 16x16 latent crops (4x cheaper; the UNet is convolutional) with whole 32x32 latents every fourth
    step for layout; on CUDA always whole latents."""
    dev = args.device
    full = dev == "cuda" or step % 4 == 3
    n, crop = (batch if dev == "cuda" else max(batch // 4, 1), lat.shape[-1]) if full else (batch, lat.shape[-1] // 2)
    idx = torch.randint(0, len(lat), (n,), generator=gen, device=dev)
    oy, ox = torch.randint(0, lat.shape[-2] - crop + 1, (2,), generator=gen, device=dev).tolist()
    x0, lab = lat[idx, ..., oy:oy + crop, ox:ox + crop].float(), labels[idx].clone()
    lab[torch.rand(n, generator=gen, device=dev) < 0.1] = len(STYLES)  # "any"
    return x0, lab


class Stage:
    """A resumable training stage: named modules (for the UNet stages the UNet and its style table), their EMA
    copies, AdamW and a state dict (step, seconds, losses) saved to one checkpoint as NAME, ema_NAME, opt and
    state."""

    def __init__(self, args, ckpt, modules, batch):
        self.args, self.ckpt, self.modules = args, ckpt, modules
        self.emas = {name: copy.deepcopy(module).requires_grad_(False) for name, module in modules.items()}
        self.params = [p for module in modules.values() for p in module.parameters()]
        self.opt = torch.optim.AdamW(self.params, lr=args.lr, weight_decay=0.0)
        self.state = {"step": 0, "seconds": 0.0, "losses": [], "batch": batch}
        if ckpt.exists():
            saved = torch.load(ckpt, weights_only=False, map_location=args.device)
            for name, module in modules.items():
                # a packed checkpoint of a finished stage keeps only the EMA weights: training goes on from them
                module.load_state_dict(saved.get(name, saved["ema_" + name]))
                self.emas[name].load_state_dict(saved["ema_" + name])
            self.state.update(saved["state"])
            if "opt" in saved:
                self.opt.load_state_dict(saved["opt"])

    def save(self, seconds):
        self.state["seconds"] = seconds
        saved = {"opt": self.opt.state_dict(), "state": self.state}
        for name, module in self.modules.items():
            saved[name], saved["ema_" + name] = module.state_dict(), self.emas[name].state_dict()
        torch.save(saved, self.ckpt)

    def step(self, loss, lr, ema):
        for g in self.opt.param_groups:
            g["lr"] = lr
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        self.state["step"] += 1
        decay = min(ema, (1 + self.state["step"]) / (10 + self.state["step"]))
        for name, module in self.modules.items():
            ema_update(module, self.emas[name], decay)


def unet_stage(args, ckpt, init=None):
    """The UNet and its style table, trained from `init`'s EMA weights (a checkpoint) or from scratch."""
    unet, table = unet_model(args.latent_channels).to(args.device), StyleTable().to(args.device)
    if init is not None:
        unet.load_state_dict(init["ema_unet"]), table.load_state_dict(init["ema_table"])
    return Stage(args, ckpt, {"unet": unet, "table": table}, args.batch)


def latent_batches(args, path, batch):
    """A function (gen, step) -> (clean latents, labels) drawing training batches from `path` (encode_shards)."""
    data = torch.load(path)
    lat, labels = data["latents"].to(args.device), data["labels"].to(args.device)
    return lambda gen, step: training_batch(args, lat, labels, gen, step, batch)


def run_stage(args, stage, name, minutes, lr, ema, loss_fn, batches):
    budget = minutes * 60
    stage.state["budget"] = budget
    if stage.state["seconds"] >= budget or STOP["asked"]:
        return
    if stage.state["step"]:
        log(args.work, f"{name}: going on from step {stage.state['step']} ({stage.state['seconds']:.0f} s of {budget:.0f})")
    next_batch = batches()
    offset = {"unet": 0, "distill": 7, "temporal": 13}[name]
    gen = torch.Generator(device=args.device).manual_seed(args.seed + 2 + stage.state["step"] + offset)
    start, last_save, recent = CLOCK["now"]() - stage.state["seconds"], time.time(), []
    while running(start, budget):
        x0, lab = next_batch(gen, stage.state["step"])
        loss = loss_fn(x0, lab, gen)
        stage.step(loss, cosine_lr(lr, stage.state["step"], CLOCK["now"]() - start, budget), ema)
        recent.append(loss.detach())
        if stage.state["step"] % 25 == 0:
            mean = torch.stack(recent).mean().item()
            recent = []
            stage.state["losses"].append((stage.state["step"], mean))
            if stage.state["step"] % args.log_every == 0:
                log(args.work, f"{name} step {stage.state['step']}: loss {mean:.4f} ({CLOCK['now']() - start:.0f} s)")
        if time.time() - last_save > args.save_every:
            stage.save(CLOCK["now"]() - start)
            last_save = time.time()
    stage.save(CLOCK["now"]() - start)
    log(args.work, f"{name}: {stage.state['step']} steps in {stage.state['seconds']:.0f} s"
        + (" (stopped)" if STOP["asked"] else ""))


def stage_unet(args):
    """The teacher: v-prediction at every timestep, half of the samples at the trailing 1/2/4-step timesteps."""
    torch.manual_seed(args.seed + 1)
    stage = unet_stage(args, Path(args.work) / "unet.pt")
    ab = alphas_cumprod().to(args.device)
    trailing = torch.tensor(TRAILING, device=args.device)

    def loss_fn(x0, lab, gen):
        n, dev = len(x0), args.device
        t = torch.randint(0, 1000, (n,), generator=gen, device=dev)
        pick = torch.rand(n, generator=gen, device=dev) < 0.5
        t = torch.where(pick, trailing[torch.randint(0, 4, (n,), generator=gen, device=dev)], t)
        xt, v = v_target(ab, t, x0, torch.randn(x0.shape, generator=gen, device=dev))
        with autocast(args):
            pred = stage.modules["unet"](xt, t, encoder_hidden_states=stage.modules["table"](lab)).sample
        return F.mse_loss(pred.float(), v)

    run_stage(args, stage, "unet", args.unet_minutes, args.lr, args.ema, loss_fn,
              lambda: latent_batches(args, Path(args.work) / "latents.pt", args.batch))


# ---------------------------------------------------------------- few-step distillation
def stream_timesteps(strength, steps):
    """The engine's stream schedule (engine/diffusion/sampling_schedule.cpp streamSchedule): at strength 1 the
    trailing txt2img timesteps."""
    return [max(0, round(strength * 1000 * (steps - i) / steps) - 1) for i in range(steps)]


def ddim(ab, x, v, t, t_next):
    """One deterministic DDIM step of a v-prediction from t to t_next (t_next < 0: to the clean image)."""
    a, s = ab[t].sqrt()[:, None, None, None], (1 - ab[t]).sqrt()[:, None, None, None]
    x0, eps = a * x - s * v, s * x + a * v
    an = torch.where(t_next >= 0, ab[t_next.clamp(min=0)], torch.ones_like(ab[t]))
    return an.sqrt()[:, None, None, None] * x0 + (1 - an).sqrt()[:, None, None, None] * eps


def distill_pairs(n, gen, dev):
    """(t, t_next) pairs the engine's samplers take: 1, 2 or 4 steps, strength 1 (txt2img) half of the time, else
    uniform in [0.05, 1] (live img2img); t_next = -1 is the last step (to the clean image)."""
    rng = np.random.default_rng(int(torch.randint(0, 2 ** 31, (1,), generator=gen, device=dev)))
    steps = rng.choice([1, 2, 4], n)
    strength = np.where(rng.random(n) < 0.5, 1.0, 0.05 + 0.95 * rng.random(n))
    i = np.minimum((rng.random(n) * steps).astype(int), steps - 1)

    def timestep(k):  # stream_timesteps, vectorised
        return np.maximum(0, np.round(strength * 1000 * (steps - k) / steps) - 1).astype(np.int64)

    t, t_next = timestep(i), np.where(i + 1 == steps, -1, timestep(i + 1))
    return torch.from_numpy(t).to(dev), torch.from_numpy(t_next).to(dev)


def stage_distill(args):
    """The student starts as the teacher's EMA weights. For a (t, t_next) pair of the engine's schedules, x_t
    from a training latent, the teacher walks DDIM from t to t_next in up to --teacher-steps small steps; the
    student's single DDIM step must land on the same point. Its target is the clean latent x0* that makes
    DDIM(t -> t_next) land there; the loss is the x0 error, weighted like v-prediction (SNR + 1, capped)."""
    if args.distill_minutes <= 0:
        return
    torch.manual_seed(args.seed + 3)
    teacher_ckpt = torch.load(Path(args.work) / "unet.pt", weights_only=False, map_location=args.device)
    teacher, teacher_table = unet_model(args.latent_channels).to(args.device).eval(), StyleTable().to(args.device)
    teacher.load_state_dict(teacher_ckpt["ema_unet"]), teacher_table.load_state_dict(teacher_ckpt["ema_table"])
    teacher.requires_grad_(False), teacher_table.requires_grad_(False)
    stage = unet_stage(args, Path(args.work) / "distill.pt", init=teacher_ckpt)
    ab = alphas_cumprod().to(args.device)

    def loss_fn(x0, lab, gen):
        n, dev = len(x0), args.device
        t, t_next = distill_pairs(n, gen, dev)
        x_t, _ = v_target(ab, t, x0, torch.randn(x0.shape, generator=gen, device=dev))
        with torch.no_grad(), autocast(args):
            ctx = teacher_table(lab)
            # teacher substeps: evenly spaced from t to t_next (the last one to the clean image)
            end = t_next.clamp(min=0).float()
            x = x_t
            sub = args.teacher_steps
            for j in range(sub):
                tj = (t.float() + (end - t.float()) * j / sub).round().long()
                tn = (t.float() + (end - t.float()) * (j + 1) / sub).round().long()
                tn = torch.where((j + 1 == sub) & (t_next < 0), torch.full_like(tn, -1), tn)
                x = ddim(ab, x, teacher(x, tj, encoder_hidden_states=ctx).sample.float(), tj, tn)
        a, s = ab[t].sqrt()[:, None, None, None], (1 - ab[t]).sqrt()[:, None, None, None]
        an = torch.where(t_next >= 0, ab[t_next.clamp(min=0)], torch.ones_like(ab[t]))[:, None, None, None]
        an, sn = an.sqrt(), (1 - an).sqrt()
        # x_next = an x0 + sn (x_t - a x0) / s  =>  x0 = (x_next - sn / s x_t) / (an - sn a / s)
        x0_target = (x - sn / s * x_t) / (an - sn * a / s)
        with autocast(args):
            v = stage.modules["unet"](x_t, t, encoder_hidden_states=stage.modules["table"](lab)).sample.float()
        x0_student = a * x_t - s * v
        weight = (a ** 2 / s ** 2 + 1).clamp(max=5)
        return (weight * (x0_student - x0_target) ** 2).mean()

    run_stage(args, stage, "distill", args.distill_minutes, args.distill_lr, args.ema, loss_fn,
              lambda: latent_batches(args, Path(args.work) / "latents.pt", args.batch))


# ---------------------------------------------------------------- temporal layers
def motion_model(unet, adapter):
    """diffusers' UNetMotionModel of the UNet with the adapter's temporal layers (the adapter's own modules, so
    training the model trains the adapter), attending causally over the frames as the engine's stream does
    (engine/models/temporal_stream.h); the UNet's weights frozen."""
    from diffusers import UNetMotionModel
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reference"))
    from model_motion_adapter import CausalFrameAttention
    model = UNetMotionModel.from_unet2d(unet, adapter)
    for i, block in enumerate(adapter.down_blocks):
        model.down_blocks[i].motion_modules = block.motion_modules
    for i, block in enumerate(adapter.up_blocks):
        model.up_blocks[i].motion_modules = block.motion_modules
    model.mid_block.motion_modules = adapter.mid_block.motion_modules
    model.freeze_unet2d_params()
    for name, module in adapter.named_modules():
        if name.endswith(("attn1", "attn2")):
            module.set_processor(CausalFrameAttention())
    return model


def stream_windows(x, gen, share=0.2):
    """Clips [B, F, ...] as the stream's windows: for `share` of them the window just after a reset, whose
    older frames are the first frame repeated (engine/models/temporal_stream.h), e.g. [x0, x0, x0, x1, ...],
    up to the first frame alone [x0, ..., x0]."""
    b, f = x.shape[:2]
    dev = x.device
    repeats = torch.randint(1, f, (b,), generator=gen, device=dev)
    repeats = torch.where(torch.rand(b, generator=gen, device=dev) < share, repeats, torch.zeros_like(repeats))
    source = (torch.arange(f, device=dev)[None, :] - repeats[:, None]).clamp(min=0)  # [B, F] frame taken
    return torch.gather(x, 1, source.view(b, f, *([1] * (x.dim() - 2))).expand_as(x))


def stage_temporal(args):
    """Temporal layers on the exported few-step UNet (distill.pt, else the teacher), its weights frozen: clips
    of CLIP_FRAMES frames, every frame noised at the same timestep of the engine's schedules (each denoising
    step keeps its own history in the stream), causal attention over the frames, some windows shaped like the
    start of a stream. Objective: the clean frame, weighted like the distillation (SNR + 1, capped); with the
    past frames to attend to, the frame's own layout becomes predictable from them."""
    if args.temporal_minutes <= 0:
        return
    torch.manual_seed(args.seed + 4)
    source = torch.load(Path(args.work) / ("distill.pt" if (Path(args.work) / "distill.pt").exists() else "unet.pt"),
                        weights_only=False, map_location=args.device)
    unet, table = unet_model(args.latent_channels), StyleTable().to(args.device)
    unet.load_state_dict(source["ema_unet"]), table.load_state_dict(source["ema_table"])
    table.requires_grad_(False)
    adapter = motion_adapter_model(unet.config)
    model = motion_model(unet, adapter).to(args.device)
    stage = Stage(args, Path(args.work) / "temporal.pt", {"adapter": adapter}, args.temporal_batch)
    ab = alphas_cumprod().to(args.device)

    def loss_fn(x0, lab, gen):
        n, frames, dev = len(x0), x0.shape[1], args.device
        reverse = torch.rand(n, generator=gen, device=dev) < 0.5  # the styles' motions run backwards as well
        x0 = torch.where(reverse[:, None, None, None, None], x0.flip(1), x0)
        t, _ = distill_pairs(n, gen, dev)
        a, s = ab[t].sqrt()[:, None, None, None, None], (1 - ab[t]).sqrt()[:, None, None, None, None]
        x_t = a * x0 + s * torch.randn(x0.shape, generator=gen, device=dev)
        both = stream_windows(torch.cat([x0, x_t], 2), gen)
        x0, x_t = both.split(x0.shape[2], 2)
        ctx = table(lab).repeat_interleave(frames, 0)
        with autocast(args):
            v = model(x_t.transpose(1, 2), t, encoder_hidden_states=ctx).sample.float().transpose(1, 2)
        weight = (a ** 2 / s ** 2 + 1).clamp(max=5)
        return (weight * (a * x_t - s * v - x0) ** 2).mean()

    run_stage(args, stage, "temporal", args.temporal_minutes, args.temporal_lr, args.ema, loss_fn,
              lambda: latent_batches(args, Path(args.work) / "clip_latents.pt", args.temporal_batch))


# ---------------------------------------------------------------- export
def stage_export(args):
    from safetensors.torch import save_file
    if STOP["asked"]:
        return
    out = Path(args.out)
    for sub in ("unet", "vae", "scheduler", "styles", "motion_adapter"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    vae = load_ae(args.work).half()
    vae.save_pretrained(str(out / "vae"), safe_serialization=True)
    distilled = (Path(args.work) / "distill.pt").exists()
    saved = torch.load(Path(args.work) / ("distill.pt" if distilled else "unet.pt"), weights_only=False,
                       map_location="cpu")
    unet = unet_model(args.latent_channels)
    unet.load_state_dict(saved["ema_unet"])
    unet.half().save_pretrained(str(out / "unet"), safe_serialization=True)
    if (Path(args.work) / "temporal.pt").exists():
        adapter = motion_adapter_model(unet.config)
        adapter.load_state_dict(torch.load(Path(args.work) / "temporal.pt", weights_only=False,
                                           map_location="cpu")["ema_adapter"])
        adapter.half().save_pretrained(str(out / "motion_adapter"), safe_serialization=True)
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
    summary = {"device": torch.cuda.get_device_name() if args.device == "cuda" else "cpu"}
    for name in CHECKPOINTS:
        if (Path(args.work) / f"{name}.pt").exists():
            summary[name] = torch.load(Path(args.work) / f"{name}.pt", weights_only=False, map_location="cpu")["state"]
    (out / "model_index.json").write_text(json.dumps({
        "_class_name": "AfterimageStyleDiffusion", "afterimage_conditioning": "style_tokens",
        "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderTiny"],
        "scheduler": ["diffusers", "DDIMScheduler"], "styles": "styles/styles.safetensors",
        "training": {name: {"steps": st["step"], "seconds": round(st["seconds"])} for name, st in summary.items()
                     if name != "device"}}, indent=2) + "\n")
    (Path(args.work) / "summary.json").write_text(json.dumps(summary) + "\n")
    log(args.work, f"export: {out} ({'distilled student' if distilled else 'teacher'})")


# ---------------------------------------------------------------- transport between machines
CHECKPOINTS = ("ae", "unet", "distill", "temporal")
PART_BYTES = 15 * 2 ** 20  # a GPU machine's output folder takes files of at most 16 MiB


def _cast(tree, dtype):
    if torch.is_tensor(tree):
        return tree.to(dtype) if tree.is_floating_point() else tree
    if isinstance(tree, dict):
        return {k: _cast(v, dtype) for k, v in tree.items()}
    return tree


def compact(saved):
    """A checkpoint for transport. A finished stage (its seconds reached its budget) keeps its exported weights
    (the EMA ones; the autoencoder's model) in fp16 and its state: enough for the later stages and for more
    training from those weights. A running stage keeps everything, its EMA weights in fp16 and its optimizer's
    moments in bf16 (the model's own weights stay f32): the 4.1M-parameter UNet packs into 3 parts."""
    state = saved["state"]
    if state["seconds"] >= state.get("budget", float("inf")):
        return {k: _cast(v, torch.float16) if k != "state" else v for k, v in saved.items()
                if k == "model" or k.startswith("ema_") or k == "state"}
    out = {k: _cast(v, torch.float16) if k.startswith("ema_") else v for k, v in saved.items()}
    out["opt"] = {"state": _cast(saved["opt"]["state"], torch.bfloat16), "param_groups": saved["opt"]["param_groups"]}
    return out


def stage_pack(args):
    """--work's checkpoints, compact, in parts of at most PART_BYTES, and train.log, into --pack."""
    import io
    pack = Path(args.pack)
    if pack.exists():
        shutil.rmtree(pack)
    pack.mkdir(parents=True)
    for name in CHECKPOINTS:
        path = Path(args.work) / f"{name}.pt"
        if not path.exists():
            continue
        buffer = io.BytesIO()
        torch.save(compact(torch.load(path, weights_only=False, map_location="cpu")), buffer)
        data = buffer.getvalue()
        for i in range(0, len(data), PART_BYTES):
            (pack / f"{name}.pt.part{i // PART_BYTES}").write_bytes(data[i:i + PART_BYTES])
        log(args.work, f"pack: {name}.pt {len(data) / 2 ** 20:.1f} MiB in {(len(data) - 1) // PART_BYTES + 1} part(s)")
    if (Path(args.work) / "train.log").exists():
        shutil.copy(Path(args.work) / "train.log", pack / "train.log")


def unpack(args):
    """The checkpoints of a --pack folder (another run's, e.g. copied back from a GPU machine) into --work,
    replacing those there; the optimizer moments back in f32. The log goes on where that run's stopped."""
    import io
    source, work = Path(args.resume_from), Path(args.work)
    for name in CHECKPOINTS:
        parts = sorted(source.glob(f"{name}.pt.part*"), key=lambda p: int(p.name.rsplit("part", 1)[1]))
        if not parts:
            continue
        saved = torch.load(io.BytesIO(b"".join(p.read_bytes() for p in parts)), weights_only=False, map_location="cpu")
        if "opt" in saved:
            saved["opt"]["state"] = _cast(saved["opt"]["state"], torch.float32)
        torch.save(saved, work / f"{name}.pt")
        print(f"resume: {name}.pt from {source} (step {saved['state']['step']}, "
              f"{saved['state']['seconds']:.0f} s)", flush=True)
    if (source / "train.log").exists() and not (work / "train.log").exists():
        shutil.copy(source / "train.log", work / "train.log")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["data", "clips", "ae", "latents", "unet", "distill", "temporal", "export",
                                          "all", "pack"])
    parser.add_argument("--work", default="/tmp/afterimage_train")
    parser.add_argument("--out", default="sets/models/default")
    parser.add_argument("--per-style", type=int, default=120)
    parser.add_argument("--ae-minutes", type=float, default=20)
    parser.add_argument("--unet-minutes", type=float, default=45)
    parser.add_argument("--distill-minutes", type=float, default=20)
    parser.add_argument("--ae-batch", type=int, default=16)
    parser.add_argument("--ae-crop", type=int, default=64)
    parser.add_argument("--ae-lr", type=float, default=1e-3)
    parser.add_argument("--ae-width", type=int, default=AE_WIDTH, help="channels of every autoencoder level")
    parser.add_argument("--latent-channels", type=int, default=LATENT_CHANNELS)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-4)
    parser.add_argument("--distill-lr", type=float, default=1e-4)
    parser.add_argument("--teacher-steps", type=int, default=8, help="teacher DDIM steps per student step")
    parser.add_argument("--temporal-minutes", type=float, default=0, help="temporal layers' budget; 0: none")
    parser.add_argument("--temporal-batch", type=int, default=8, help="clips per step")
    parser.add_argument("--temporal-lr", type=float, default=2e-4)
    parser.add_argument("--clips-per-style", type=int, default=60)
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="processes drawing the pictures")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--save-every", type=float, default=120, help="seconds between checkpoint saves")
    parser.add_argument("--pack", default=None, help="folder for `pack` (default: WORK/pack)")
    parser.add_argument("--resume-from", help="a `pack` folder to unpack into --work before the stages run")
    args = parser.parse_args()
    args.pack = args.pack or str(Path(args.work) / "pack")
    signal.signal(signal.SIGTERM, ask_stop)
    signal.signal(signal.SIGINT, ask_stop)
    torch.set_num_threads(args.threads)
    CLOCK["now"] = budget_clock(args.device, args.threads)
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    Path(args.work).mkdir(parents=True, exist_ok=True)
    if args.resume_from:
        unpack(args)
    if (Path(args.work) / "ae.pt").exists():  # once trained, the autoencoder's checkpoint says its shape
        state = torch.load(Path(args.work) / "ae.pt", weights_only=False, map_location="cpu")["state"]
        args.ae_width = state.get("width", AE_WIDTH)
        args.latent_channels = state.get("latent_channels", LATENT_CHANNELS)
    stages = {"data": stage_data, "clips": stage_clips, "ae": stage_ae, "latents": stage_latents, "unet": stage_unet,
              "distill": stage_distill, "temporal": stage_temporal, "export": stage_export}
    if args.stage == "pack":
        return stage_pack(args)
    for name in (list(stages) if args.stage == "all" else [args.stage]):
        if STOP["asked"]:
            log(args.work, f"stopped before {name}: run the same command again to go on")
            break
        stages[name](args)


if __name__ == "__main__":
    main()
