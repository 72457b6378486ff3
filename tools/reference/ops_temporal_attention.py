"""Goldens for attention along the frame axis at every pixel (AnimateDiff's
temporal self-attention): q [Fq, P, H*D], k and v [Fk, P, H*D]; the queries
are the window's last Fq frames, optionally causal, and optionally with the
softmax weights of every key frame but the query's own scaled by a weight
(a show's temporal_memory): tests/golden/ops/temporal_attention.safetensors."""
import math

import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16


def main() -> None:
    torch.manual_seed(14)
    w = GoldenWriter("ops/temporal_attention.safetensors")

    def case(name, query_frames, key_frames, pixels, heads, head_dim, causal=False, q_std=1.0, other_weight=None):
        c = heads * head_dim
        q = f16(torch.randn(query_frames, pixels, c) * q_std)
        k, v = f16(torch.randn(key_frames, pixels, c)), f16(torch.randn(key_frames, pixels, c))

        def split(t):  # [F, P, H*D] -> [P, H, F, D]
            return t.double().view(t.shape[0], pixels, heads, head_dim).permute(1, 2, 0, 3)

        mask = None
        if causal:  # query i is window frame Fk - Fq + i
            mask = torch.ones(query_frames, key_frames, dtype=torch.bool).tril(key_frames - query_frames)
        params = {"op": "temporal_attention", "heads": heads, "causal": causal}
        if other_weight is not None:
            # A softmax weight scaled by w is its score plus log(w); w = 0 hides the key.
            own = torch.arange(query_frames)[:, None] + key_frames - query_frames == torch.arange(key_frames)[None, :]
            bias = torch.zeros(query_frames, key_frames, dtype=torch.float64)
            bias[~own] = math.log(other_weight) if other_weight > 0 else -math.inf
            if mask is not None:
                bias[~mask] = -math.inf
            mask = bias
            params["other_weight"] = other_weight
        y = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask)
        y = y.permute(2, 0, 1, 3).reshape(query_frames, pixels, c)
        w.add(name, params, q=q, k=k, v=v, output=y)

    case("f16_p5_8x4", 16, 16, 5, 8, 4)
    case("f16_p3_8x4_sharp", 16, 16, 3, 8, 4, q_std=3.0)
    case("causal_f8_p5_8x8", 8, 8, 5, 8, 8, causal=True)
    case("last_of_f8_p7_8x4_causal", 1, 8, 7, 8, 4, causal=True)
    case("last3_of_f6_p4_2x8_causal", 3, 6, 4, 2, 8, causal=True)
    case("f4_p3_8x40", 4, 4, 3, 8, 40)  # SD 1.5's 320 channels in 8 heads
    case("f32_p3_2x4", 32, 32, 3, 2, 4)  # the most frames
    case("f8_p1_1x160", 8, 8, 1, 1, 160)  # the largest head
    case("f1_p6_2x4", 1, 1, 6, 2, 4)  # one frame: the output is v
    # The other frames weighted (appended: the cases above keep their random inputs).
    case("causal_f8_p5_8x8_other_half", 8, 8, 5, 8, 8, causal=True, other_weight=0.5)
    case("last_of_f8_p7_8x4_causal_other_quarter", 1, 8, 7, 8, 4, causal=True, other_weight=0.25)
    case("last_of_f8_p7_8x4_causal_other_none", 1, 8, 7, 8, 4, causal=True, other_weight=0.0)  # v of its own frame
    case("f4_p3_8x4_sharp_other_tenth", 4, 4, 3, 8, 4, q_std=3.0, other_weight=0.1)
    w.save()


if __name__ == "__main__":
    main()
