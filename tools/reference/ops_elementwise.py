"""Goldens for the elementwise family (tests/nn/elementwise_test.cpp): add
and multiply with NumPy broadcasting of the second operand (and add's fused
activation), scale, each activation on its own, nearest upsampling by 2 and
concatenation along channels."""
import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16

ACTIVATIONS = {
    "none": lambda t: t,
    "relu": F.relu,
    "silu": F.silu,
    "gelu": F.gelu,  # exact (erf)
    "tanh_clamp": lambda t: torch.tanh(t / 3) * 3,
}

# name, a's shape, b's shape, activation
ADD_CASES = [
    ("add_same_shape", (2, 5, 7, 9), (2, 5, 7, 9), "none"),
    ("add_channel_bias", (2, 5, 7, 9), (5, 1, 1), "silu"),
    ("add_per_image_channel", (2, 5, 7, 9), (2, 5, 1, 1), "gelu"),
    ("add_last_dim", (3, 11, 13), (13,), "relu"),
    ("add_middle_dims", (2, 3, 5, 7), (1, 3, 5, 1), "none"),
    ("add_scalar", (17, 3), (1,), "tanh_clamp"),
]
MULTIPLY_CASES = [
    ("multiply_same_shape", (3, 4, 5, 7), (3, 4, 5, 7)),
    ("multiply_channel_gate", (2, 6, 5, 3), (2, 6, 1, 1)),
    ("multiply_rows", (4, 9, 6), (9, 1)),
]


def main() -> None:
    torch.manual_seed(20261128)
    writer = GoldenWriter("ops/elementwise.safetensors")
    for name, a_shape, b_shape, act in ADD_CASES:
        a, b = f16(torch.randn(a_shape) * 2), f16(torch.randn(b_shape) * 2)
        writer.add(name, {"op": "add", "activation": act}, a=a, b=b, output=ACTIVATIONS[act](a + b))
    for name, a_shape, b_shape in MULTIPLY_CASES:
        a, b = f16(torch.randn(a_shape) * 2), f16(torch.randn(b_shape) * 2)
        writer.add(name, {"op": "multiply"}, a=a, b=b, output=a * b)

    a = f16(torch.randn(2, 3, 7, 5))
    writer.add("scale_offset", {"op": "scale", "scale": 0.18215, "offset": -0.5}, a=a, output=a * 0.18215 - 0.5)

    # Wide range so that saturating parts (tanh clamp at |x| >> 3, GELU's tail) are exercised.
    for act in ("relu", "silu", "gelu", "tanh_clamp"):
        a = f16(torch.randn(3, 5, 11, 7) * 6)
        a.view(-1)[:4] = torch.tensor([-40.0, -12.0, 12.0, 40.0])
        writer.add(f"activate_{act}", {"op": "activate", "activation": act}, a=a, output=ACTIVATIONS[act](a))

    for name, shape in (("upsample_odd", (1, 3, 5, 7)), ("upsample_batch", (2, 4, 6, 3))):
        a = f16(torch.randn(shape))
        writer.add(name, {"op": "upsample"}, a=a, output=F.interpolate(a, scale_factor=2.0, mode="nearest"))

    for name, a_shape, b_shape, dim in (("concat_nchw", (2, 3, 5, 7), (2, 4, 5, 7), 1),
                                        ("concat_tokens", (2, 6, 5), (2, 6, 3), -1)):
        a, b = f16(torch.randn(a_shape)), f16(torch.randn(b_shape))
        writer.add(name, {"op": "concat"}, a=a, b=b, output=torch.cat([a, b], dim=dim))
    writer.save()


if __name__ == "__main__":
    main()
