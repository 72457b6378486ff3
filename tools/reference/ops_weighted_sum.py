"""Goldens for nn::weightedSum: c[first] * x0 + c[first + 1] * x1 + ... in float32."""
import torch

from golden_io import GoldenWriter, f16


def main():
    writer = GoldenWriter("ops/weighted_sum.safetensors")
    generator = torch.Generator().manual_seed(21)
    for name, shape, inputs, first in [("one", (1, 4, 9, 7), 1, 2), ("two", (2, 4, 16, 16), 2, 0),
                                       ("three", (1, 3, 33, 5), 3, 1)]:
        xs = [f16(torch.randn(shape, generator=generator)) for _ in range(inputs)]
        coefficients = torch.randn(first + inputs + 1, generator=generator)
        out = sum(coefficients[first + i] * x for i, x in enumerate(xs))
        tensors = {f"x{i}": x for i, x in enumerate(xs)}
        writer.add(name, {"inputs": inputs, "first": first}, coefficients=coefficients, output=out, **tensors)
    writer.save()


if __name__ == "__main__":
    main()
