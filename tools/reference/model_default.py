"""Golden for the shipped default model (sets/models/default/, trained by
tools/train/train.py): its fp16 weights run in float32 by diffusers
(UNet2DConditionModel, AutoencoderTiny.decode, DDIMScheduler from the
folder's configs), the context a normalised weighted sum of style-table
rows, the project's seeded noise as the start latent. Rerun after every
retraining: tests/golden/models/default_model.safetensors holds per case
the noise, the context, the final latent and the image in [0, 1].
"""
import json

import torch
from diffusers import AutoencoderTiny, DDIMScheduler, UNet2DConditionModel
from safetensors.torch import load_file

from golden_io import REPO, GoldenWriter
from model_scheduler import seeded_noise

FOLDER = REPO / "sets" / "models" / "default"
CASES = [("mix_2step", {"plasma": 0.7, "voronoi": 0.3}, 2, 128, 11), ("tunnel_1step", {"tunnel": 1.0}, 1, 64, 12)]


def style_context(mix):
    names = json.loads((FOLDER / "styles" / "styles.json").read_text())["styles"]
    table = load_file(str(FOLDER / "styles" / "styles.safetensors"))["embeddings"].float()
    total = sum(mix.values())
    return sum(w / total * table[names.index(n)] for n, w in mix.items())[None]


def generate(unet, vae, scheduler, context, noise, steps):
    scheduler.set_timesteps(steps)
    latent = noise * scheduler.init_noise_sigma
    with torch.no_grad():
        for t in scheduler.timesteps:
            output = unet(scheduler.scale_model_input(latent, t), t, encoder_hidden_states=context).sample
            latent = scheduler.step(output, t, latent).prev_sample
        image = (vae.decode(latent).sample / 2 + 0.5).clamp(0, 1)
    return latent, image


def main():
    unet = UNet2DConditionModel.from_pretrained(str(FOLDER / "unet"), torch_dtype=torch.float32).eval()
    vae = AutoencoderTiny.from_pretrained(str(FOLDER / "vae"), torch_dtype=torch.float32).eval()
    scheduler = DDIMScheduler.from_pretrained(str(FOLDER / "scheduler"))
    writer = GoldenWriter("models/default_model.safetensors")
    for name, mix, steps, size, seed in CASES:
        shape = (1, 4, size // 8, size // 8)
        noise = seeded_noise(seed, shape[1] * shape[2] * shape[3]).reshape(shape)
        context = style_context(mix)
        latent, image = generate(unet, vae, scheduler, context, noise, steps)
        prompt = ", ".join(f"{n}:{w}" for n, w in mix.items())
        writer.add(name, {"prompt": prompt, "steps": steps, "seed": seed, "size": size}, noise=noise,
                   context=context, latent=latent, image=image)
        print(f"{name}: latent std {latent.std():.3f}, image mean {image.mean():.3f} std {image.std():.3f}")
    writer.save()


if __name__ == "__main__":
    main()
