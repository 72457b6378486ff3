"""Goldens for the sinusoidal timestep embedding (diffusers
get_timestep_embedding): tests/golden/ops/timestep.safetensors."""
import torch
from diffusers.models.embeddings import get_timestep_embedding

from golden_io import GoldenWriter


def main() -> None:
    w = GoldenWriter("ops/timestep.safetensors")

    def embedding(case, timesteps, dim, flip, shift, max_period=10000):
        t = torch.tensor(timesteps, dtype=torch.float32)
        y = get_timestep_embedding(t, dim, flip_sin_to_cos=flip, downscale_freq_shift=shift, max_period=max_period)
        params = {"op": "timestep_embedding", "dim": dim, "flip_sin_to_cos": flip, "downscale_freq_shift": shift,
                  "max_period": max_period}
        w.add(case, params, timesteps=t, output=y)

    embedding("sd_unet_320", [999.0, 749.0, 499.0, 249.0, 1.0, 0.0], 320, True, 0.0)  # SD's UNet time_proj
    embedding("ddpm_32_shift1", [0.0, 10.5, 500.0, 999.0], 32, False, 1.0)
    embedding("odd_33_flip_shift1", [3.0, 777.0], 33, True, 1.0)
    embedding("max_period_100_dim64", [0.25, 42.0, 999.0], 64, True, 0.0, max_period=100)
    w.save()


if __name__ == "__main__":
    main()
