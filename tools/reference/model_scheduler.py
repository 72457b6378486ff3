"""Few-step scheduler goldens from diffusers' EulerDiscreteScheduler and
DDIMScheduler: timesteps and noise levels for 1-4 steps, img2img strengths,
the seeded noise (SplitMix64 + Box-Muller, written out here the way
engine/diffusion/seeded_noise.h documents it) and sampling loops with a fake
linear "model", run the way diffusers' StableDiffusion(Img2Img)Pipeline runs
them.

Configurations: SD-Turbo's scheduler/scheduler_config.json (Euler, trailing,
epsilon) plus variants covering the other spacings and prediction types.
"""
import math

import numpy as np
import torch
from diffusers import DDIMScheduler, EulerDiscreteScheduler

from golden_io import GoldenWriter

# stabilityai/sd-turbo scheduler/scheduler_config.json (diffusers 0.24 era).
SD_TURBO = {
    "_class_name": "EulerDiscreteScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
    "beta_start": 0.00085, "clip_sample": False, "interpolation_type": "linear", "num_train_timesteps": 1000,
    "prediction_type": "epsilon", "sample_max_value": 1.0, "set_alpha_to_one": False, "skip_prk_steps": True,
    "steps_offset": 1, "timestep_spacing": "trailing", "trained_betas": None, "use_karras_sigmas": False,
}

CONFIGS = {
    "sd_turbo": SD_TURBO,
    "euler_leading_v": dict(SD_TURBO, prediction_type="v_prediction", timestep_spacing="leading"),
    "euler_linspace_sample": dict(SD_TURBO, prediction_type="sample", timestep_spacing="linspace",
                                  beta_schedule="linear", beta_start=0.0001, beta_end=0.02),
    "ddim_trailing": dict(SD_TURBO, _class_name="DDIMScheduler"),
    "ddim_leading_v": dict(SD_TURBO, _class_name="DDIMScheduler", prediction_type="v_prediction",
                           timestep_spacing="leading", set_alpha_to_one=True),
    "ddim_linspace_sample": dict(SD_TURBO, _class_name="DDIMScheduler", prediction_type="sample",
                                 timestep_spacing="linspace"),
}
STEPS = [1, 2, 3, 4]
STRENGTHS = [0.3, 0.5, 1.0]
LATENT_SHAPE = (1, 4, 8, 8)
NOISE_SEED = 1234
INIT_SEED = 99

MASK64 = (1 << 64) - 1


def splitmix64(state: int) -> int:
    """Output number n (from 0) of SplitMix64 seeded with `seed` is
    mix(seed + (n + 1) * golden); `state` here is that sum."""
    z = state & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def seeded_noise(seed: int, count: int) -> torch.Tensor:
    golden = 0x9E3779B97F4A7C15
    out = []
    for pair in range((count + 1) // 2):
        u1 = ((splitmix64(seed + (2 * pair + 1) * golden) >> 11) + 0.5) * 2.0 ** -53
        u2 = ((splitmix64(seed + (2 * pair + 2) * golden) >> 11) + 0.5) * 2.0 ** -53
        r = math.sqrt(-2.0 * math.log(u1))
        out += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
    return torch.tensor(out[:count], dtype=torch.float64).to(torch.float32)


def make_scheduler(config: dict):
    cls = EulerDiscreteScheduler if config["_class_name"] == "EulerDiscreteScheduler" else DDIMScheduler
    return cls.from_config(config)


def img2img_timesteps(scheduler, steps: int, strength: float):
    """StableDiffusionImg2ImgPipeline.get_timesteps."""
    init_timestep = min(int(steps * strength), steps)
    t_start = max(steps - init_timestep, 0)
    timesteps = scheduler.timesteps[t_start * scheduler.order:]
    if hasattr(scheduler, "set_begin_index"):
        scheduler.set_begin_index(t_start * scheduler.order)
    return timesteps, steps - t_start


def fake_model(x_in: torch.Tensor, t, bias: torch.Tensor) -> torch.Tensor:
    """A linear stand-in for the UNet: 0.9 x + (t / 1000) bias."""
    return 0.9 * x_in + (float(t) / 1000.0) * bias


def run_loop(config: dict, steps: int, noise: torch.Tensor, init=None, strength=1.0, bias=None):
    scheduler = make_scheduler(config)
    scheduler.set_timesteps(steps)
    if init is None:
        timesteps = scheduler.timesteps
        latents = noise * scheduler.init_noise_sigma
    else:
        timesteps, _ = img2img_timesteps(scheduler, steps, strength)
        latents = scheduler.add_noise(init, noise, timesteps[:1])
    for t in timesteps:
        x_in = scheduler.scale_model_input(latents, t)
        latents = scheduler.step(fake_model(x_in, t, bias), t, latents).prev_sample
    return latents


def main() -> None:
    torch.manual_seed(0)
    writer = GoldenWriter("diffusion/schedulers.safetensors")
    count = int(np.prod(LATENT_SHAPE))
    noise = seeded_noise(NOISE_SEED, count).reshape(LATENT_SHAPE)
    init = seeded_noise(INIT_SEED, count).reshape(LATENT_SHAPE) * 0.5
    bias = torch.linspace(-1.0, 1.0, count).reshape(LATENT_SHAPE)
    writer.add("noise", {"seed": NOISE_SEED, "init_seed": INIT_SEED, "init_scale": 0.5},
               noise=noise, init=init, bias=bias, first=seeded_noise(7, 9))

    for name, config in CONFIGS.items():
        scheduler = make_scheduler(config)
        writer.add(name, {"config": config}, alphas_cumprod=scheduler.alphas_cumprod.to(torch.float64))
        for steps in STEPS:
            scheduler = make_scheduler(config)
            scheduler.set_timesteps(steps)
            tensors = {"timesteps": scheduler.timesteps.to(torch.float64),
                       "init_noise_sigma": torch.tensor([float(scheduler.init_noise_sigma)])}
            if hasattr(scheduler, "sigmas"):
                tensors["sigmas"] = scheduler.sigmas.to(torch.float64)
            writer.add(f"{name}_steps{steps}", {"steps": steps}, **tensors)
            for strength in STRENGTHS:
                scheduler = make_scheduler(config)
                scheduler.set_timesteps(steps)
                timesteps, remaining = img2img_timesteps(scheduler, steps, strength)
                case = f"{name}_steps{steps}_strength{int(strength * 10)}"
                if remaining < 1:
                    writer.add(case, {"steps": steps, "strength": strength, "remaining": 0})
                    continue
                # add_noise on a ones/zeros pair gives the start coefficients.
                ones = torch.ones(1)
                init_scale = float(scheduler.add_noise(ones, torch.zeros(1), timesteps[:1]))
                noise_scale = float(scheduler.add_noise(torch.zeros(1), ones, timesteps[:1]))
                writer.add(case, {"steps": steps, "strength": strength, "remaining": remaining},
                           timesteps=timesteps.to(torch.float64),
                           start=torch.tensor([init_scale, noise_scale], dtype=torch.float64))
        writer.add(f"{name}_loop_txt2img", {"steps": 2}, output=run_loop(config, 2, noise, bias=bias))
        writer.add(f"{name}_loop_img2img", {"steps": 4, "strength": 0.5},
                   output=run_loop(config, 4, noise, init=init, strength=0.5, bias=bias))
    writer.save()
    turbo = make_scheduler(SD_TURBO)
    turbo.set_timesteps(1)
    sigma = float(turbo.sigmas[0])
    print(f"sd_turbo 1 step: t={float(turbo.timesteps[0])} sigma={sigma:.6f} "
          f"init_noise_sigma={float(turbo.init_noise_sigma):.6f} input scale 1/sqrt(sigma^2+1)={1 / math.sqrt(sigma**2 + 1):.6f}")
