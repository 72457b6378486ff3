"""Goldens for linear (y = x W^T + b, optional fused activation) and batched
matmul: tests/golden/ops/linear.safetensors."""
import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16

ACTIVATIONS = {"none": lambda x: x, "silu": F.silu, "gelu": F.gelu, "relu": F.relu}


def main() -> None:
    torch.manual_seed(5)
    w = GoldenWriter("ops/linear.safetensors")

    def linear(case, input_shape, out_features, bias=True, activation="none"):
        x = f16(torch.randn(input_shape))
        in_features = input_shape[-1]
        weight = f16(torch.randn(out_features, in_features) / in_features ** 0.5)
        tensors = {"input": x, "weight": weight}
        b = None
        if bias:
            b = tensors["bias"] = f16(0.5 * torch.randn(out_features))
        y = ACTIVATIONS[activation](F.linear(x.double(), weight.double(), None if b is None else b.double()))
        w.add(case, {"op": "linear", "activation": activation}, **tensors, output=y)

    def batched_matmul(case, batch, m, k, n, transposed, alpha):
        a = f16(torch.randn(batch, m, k))
        b = f16(torch.randn(batch, n, k) if transposed else torch.randn(batch, k, n))
        bk = b.transpose(1, 2) if transposed else b
        y = alpha * torch.bmm(a.double(), bk.double())
        w.add(case, {"op": "batched_matmul", "transposed": transposed, "alpha": alpha}, a=a, b=b, output=y)

    linear("lin_t37_40to24", [2, 37, 40], 24)
    linear("lin_rank2_64to200_silu", [5, 64], 200, activation="silu")
    linear("lin_t77_33to65_gelu_nobias", [3, 77, 33], 65, bias=False, activation="gelu")
    linear("lin_16to8_relu", [4, 16], 8, activation="relu")
    batched_matmul("bmm_37x29x53", 3, 37, 29, 53, False, 1.0)
    batched_matmul("bmm_t_17x40x77_alpha", 2, 17, 40, 77, True, 0.125)
    w.save()


if __name__ == "__main__":
    main()
