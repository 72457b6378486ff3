"""Goldens for the tiny autoencoder (engine/models/tiny_autoencoder.*).

- tests/golden/models/tae_random_w16/{encoder,decoder}.safetensors: random
  weights (seeded), width 16, 4 latent channels, no pool path; and
  tae_random_w8_pool/: width 8, 6 latent channels, with the TAEF2 pool path.
  Weights are stored in f16 (as users' files are) and the reference runs on
  those f16 values in f32.
- tests/golden/models/tiny_autoencoder.safetensors: for each variant an input
  image, its latent and the decoded image; for the real TAEF2 weights
  (../shared/models, not copied) the fixed 64x64 test picture, its latent and
  the decoded picture.
- tests/golden/models/test_picture_64.png: that picture.
"""
import math
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

from golden_io import GOLDEN_DIR, REPO, GoldenWriter, f16
from tiny_autoencoder import decoder, encoder

SHARED_MODELS = REPO.parent / "shared" / "models"


def test_picture(size=64):
    """A smooth, recognisable synthetic picture: sky gradient, sun, hills, stripes."""
    y, x = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    r = 0.25 + 0.5 * (1 - y)
    g = 0.35 + 0.4 * (1 - y)
    b = 0.6 + 0.35 * (1 - y)
    sun = ((x - 0.7) ** 2 + (y - 0.3) ** 2) < 0.018
    r, g, b = torch.where(sun, 1.0, r), torch.where(sun, 0.85, g), torch.where(sun, 0.2, b)
    hill = y > 0.62 + 0.12 * torch.sin(x * 2 * math.pi * 1.3)
    stripes = (torch.floor(x * 8) % 2 == 0) & hill
    r = torch.where(hill, torch.where(stripes, 0.15, 0.25), r)
    g = torch.where(hill, torch.where(stripes, 0.55, 0.7), g)
    b = torch.where(hill, torch.where(stripes, 0.2, 0.3), b)
    image = torch.stack([r, g, b])[None].clamp(0, 1)
    return (image * 255).round() / 255  # exactly representable in an 8-bit PNG


def randomize(module, seed):
    torch.manual_seed(seed)
    for m in module.modules():
        if isinstance(m, torch.nn.Conv2d):
            fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
            torch.nn.init.normal_(m.weight, std=math.sqrt(2.0 / fan_in))
            if m.bias is not None:
                torch.nn.init.uniform_(m.bias, -0.1, 0.1)
        elif isinstance(m, torch.nn.GroupNorm):
            torch.nn.init.uniform_(m.weight, 0.5, 1.5)
            torch.nn.init.uniform_(m.bias, -0.2, 0.2)
    for p in module.parameters():
        p.data = f16(p.data)


def save_weights(module, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.float16).contiguous() for k, v in module.state_dict().items()}, str(path))


@torch.no_grad()
def main():
    writer = GoldenWriter("models/tiny_autoencoder.safetensors")
    variants = [("random_w16", dict(latent_channels=4, width=16, pool=False), 32, 101),
                ("random_w8_pool", dict(latent_channels=6, width=8, pool=True), 24, 202)]
    for name, config, size, seed in variants:
        enc, dec = encoder(**config), decoder(**config)
        randomize(enc, seed)
        randomize(dec, seed + 1)
        folder = GOLDEN_DIR / "models" / f"tae_{name}"
        save_weights(enc, folder / "encoder.safetensors")
        save_weights(dec, folder / "decoder.safetensors")
        torch.manual_seed(seed + 2)
        image = f16(torch.rand(1, 3, size, size))
        latent = enc(image)
        # Decode a rounded copy of the latent: the C++ test feeds the golden
        # latent to the decoder, so both sides start from the same numbers.
        latent_in = f16(latent)
        writer.add(name, dict(config, size=size, folder=f"models/tae_{name}"), image=image, latent=latent,
                   latent_in=latent_in, decoded=dec(latent_in))

    picture = test_picture(64)
    Image.fromarray((picture[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)).save(
        GOLDEN_DIR / "models" / "test_picture_64.png")
    enc_path, dec_path = SHARED_MODELS / "taef2_encoder.safetensors", SHARED_MODELS / "taef2_decoder.safetensors"
    if enc_path.exists():
        config = dict(latent_channels=32, width=64, pool=True)
        enc, dec = encoder(**config), decoder(**config)
        enc.load_state_dict({k: v.float() for k, v in load_file(str(enc_path)).items()})
        dec.load_state_dict({k: v.float() for k, v in load_file(str(dec_path)).items()})
        latent = enc(picture)
        latent_in = f16(latent)
        decoded = dec(latent_in)
        mse = torch.mean((decoded.clamp(0, 1) - picture) ** 2).item()
        print(f"taef2 round trip on the test picture (PyTorch f32): PSNR {10 * math.log10(1 / mse):.2f} dB")
        writer.add("taef2", dict(config, size=64), image=picture, latent=latent, latent_in=latent_in, decoded=decoded)
    else:
        print(f"skipping taef2: {enc_path} not found")
    writer.save()


if __name__ == "__main__":
    main()
