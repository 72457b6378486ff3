"""Goldens for scaled dot-product attention (heads split the channel
dimension, scale 1/sqrt(D)), self and cross: tests/golden/ops/attention.safetensors."""
import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16


def main() -> None:
    torch.manual_seed(7)
    w = GoldenWriter("ops/attention.safetensors")

    def attention(case, batch, tq, tk, heads, head_dim, q_std=1.0, causal=False):
        c = heads * head_dim
        q = f16(torch.randn(batch, tq, c) * q_std)
        k, v = f16(torch.randn(batch, tk, c)), f16(torch.randn(batch, tk, c))

        def split(t):  # [B, T, H*D] -> [B, H, T, D]
            return t.double().view(batch, -1, heads, head_dim).transpose(1, 2)

        y = F.scaled_dot_product_attention(split(q), split(k), split(v), is_causal=causal)
        y = y.transpose(1, 2).reshape(batch, tq, c)
        w.add(case, {"op": "attention", "heads": heads, "causal": causal}, q=q, k=k, v=v, output=y)

    attention("self_t37_5x8", 2, 37, 37, 5, 8)
    attention("cross_t37_k77_5x8_sharp", 1, 37, 77, 5, 8, q_std=3.0)  # peaked softmax
    attention("self_t100_2x16", 1, 100, 100, 2, 16)
    attention("self_t37_5x64", 1, 37, 37, 5, 64)
    attention("cross_t37_k77_2x64", 1, 37, 77, 2, 64)
    attention("cross_t20_k24_2x128", 1, 20, 24, 2, 128)
    attention("causal_t77_4x8", 2, 77, 77, 4, 8, causal=True)  # CLIP text encoder: crosses workgroups of queries
    attention("self_t3_1x4", 2, 3, 3, 1, 4)
    w.save()


if __name__ == "__main__":
    main()
