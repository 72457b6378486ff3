"""Goldens for nn::conv2d (tests/nn/conv2d_test.cpp): 1x1 and 3x3 kernels,
stride 1 and 2, odd channel counts and sizes, with and without bias, and the
fused epilogue (+ residual, then an activation)."""
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

# name, batch, cin, cout, height, width, kernel, stride, padding, bias, residual, activation
CASES = [
    ("rgb_to_5_k3", 1, 3, 5, 13, 11, 3, 1, 1, True, False, "none"),
    ("k3_stride2_silu", 2, 8, 12, 15, 17, 3, 2, 1, True, False, "silu"),
    ("k3_stride2_nobias", 1, 16, 16, 16, 16, 3, 2, 1, False, False, "none"),
    ("k1_relu_nobias", 1, 16, 7, 9, 10, 1, 1, 0, False, False, "relu"),
    ("k1_many_channels", 1, 70, 33, 5, 7, 1, 1, 0, True, False, "none"),
    ("k3_residual_gelu", 1, 24, 24, 16, 16, 3, 1, 1, True, True, "gelu"),
    ("k3_residual_relu", 1, 20, 20, 7, 9, 3, 1, 1, True, True, "relu"),
    ("k3_tanh_clamp", 1, 4, 3, 12, 12, 3, 1, 1, True, False, "tanh_clamp"),
    ("k3_no_padding", 1, 5, 6, 8, 9, 3, 1, 0, True, False, "none"),
    ("k3_64ch", 1, 64, 48, 12, 13, 3, 1, 1, True, False, "relu"),
]


def main() -> None:
    torch.manual_seed(20261127)
    writer = GoldenWriter("ops/conv2d.safetensors")
    for name, n, cin, cout, h, w, k, s, pad, has_bias, has_residual, act in CASES:
        x = f16(torch.randn(n, cin, h, w))
        # Kaiming-like scale keeps the outputs of order one whatever Cin is.
        weight = f16(torch.randn(cout, cin, k, k) / (cin * k * k) ** 0.5)
        tensors = {"input": x, "weight": weight}
        bias = None
        if has_bias:
            bias = f16(torch.randn(cout) * 0.5)
            tensors["bias"] = bias
        y = F.conv2d(x, weight, bias, stride=s, padding=pad)
        if has_residual:
            residual = f16(torch.randn_like(y))
            tensors["residual"] = residual
            y = y + residual
        tensors["output"] = ACTIVATIONS[act](y)
        writer.add(name, {"stride": s, "padding": pad, "activation": act}, **tensors)
    writer.save()


if __name__ == "__main__":
    main()
