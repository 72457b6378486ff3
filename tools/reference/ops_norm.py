"""Goldens for group norm (NCHW, optional fused activation) and layer norm
(last dimension): tests/golden/ops/norm.safetensors."""
import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16

ACTIVATIONS = {"none": lambda x: x, "silu": F.silu, "gelu": F.gelu, "relu": F.relu}


def main() -> None:
    torch.manual_seed(3)
    w = GoldenWriter("ops/norm.safetensors")

    def group_norm(case, shape, groups, eps, activation="none", mean=0.0, std=1.0):
        x = f16(torch.randn(shape) * std + mean)
        c = shape[1]
        gamma, beta = f16(1 + 0.5 * torch.randn(c)), f16(0.5 * torch.randn(c))
        y = ACTIVATIONS[activation](F.group_norm(x.double(), groups, gamma.double(), beta.double(), eps))
        w.add(case, {"op": "group_norm", "groups": groups, "eps": eps, "activation": activation},
              input=x, gamma=gamma, beta=beta, output=y)

    def layer_norm(case, shape, eps, mean=0.0, std=1.0):
        x = f16(torch.randn(shape) * std + mean)
        c = shape[-1]
        gamma, beta = f16(1 + 0.5 * torch.randn(c)), f16(0.5 * torch.randn(c))
        y = F.layer_norm(x.double(), (c,), gamma.double(), beta.double(), eps)
        w.add(case, {"op": "layer_norm", "eps": eps}, input=x, gamma=gamma, beta=beta, output=y)

    group_norm("gn_c40_g5", [2, 40, 5, 7], 5, 1e-5)
    group_norm("gn_c64_g32_silu", [1, 64, 9, 9], 32, 1e-6, "silu")
    group_norm("gn_c96_g32_gelu", [1, 96, 8, 8], 32, 1e-5, "gelu")
    # A large mean over a small spread: one-pass E[x^2] - E[x]^2 in f32 fails this.
    group_norm("gn_large_mean", [1, 32, 16, 16], 8, 1e-5, "none", mean=1000.0, std=3.0)
    group_norm("gn_c4_g4_1x1", [3, 4, 1, 1], 4, 1e-5, "relu")  # one element per group: output = beta
    layer_norm("ln_t37_c40", [2, 37, 40], 1e-5)
    layer_norm("ln_c320_large_mean", [1, 7, 320], 1e-5, mean=500.0, std=2.0)
    layer_norm("ln_c33", [3, 5, 33], 1e-6)
    layer_norm("ln_rank2_c1024", [4, 1024], 1e-5)
    # 4 x 40 x 40 = 6,400 elements a group: a chunk of 4096 and a shorter one.
    group_norm("gn_long_segments_large_mean", [1, 8, 40, 40], 2, 1e-5, "silu", mean=300.0, std=2.0)
    w.save()


if __name__ == "__main__":
    main()
