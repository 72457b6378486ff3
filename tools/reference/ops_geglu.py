"""Goldens for nn::geglu against diffusers' GEGLU arithmetic:
hidden, gate = x.chunk(2, dim=-1); hidden * F.gelu(gate) (exact erf GELU)."""
import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16


def main():
    writer = GoldenWriter("ops/geglu.safetensors")
    generator = torch.Generator().manual_seed(12)
    for name, shape in [("small", (1, 7, 16)), ("odd", (2, 37, 90)), ("wide", (1, 6, 2560))]:
        x = f16(3 * torch.randn(shape, generator=generator))
        hidden, gate = x.chunk(2, dim=-1)
        writer.add(name, {"shape": list(shape)}, input=x, output=hidden * F.gelu(gate))
    writer.save()


if __name__ == "__main__":
    main()
