"""Goldens for nn::transposeLastTwo: torch.transpose(-1, -2)."""
import torch

from golden_io import GoldenWriter, f16


def main():
    writer = GoldenWriter("ops/transpose.safetensors")
    generator = torch.Generator().manual_seed(11)
    for name, shape in [("square", (1, 32, 32)), ("odd", (3, 37, 45)), ("tokens", (2, 40, 64)), ("rank2", (5, 33))]:
        x = f16(torch.randn(shape, generator=generator))
        writer.add(name, {"shape": list(shape)}, input=x, output=x.transpose(-1, -2).contiguous())
    writer.save()


if __name__ == "__main__":
    main()
