"""Goldens for a feature bank (StreamV2V), frame by frame, in
tests/golden/ops/feature_bank.safetensors:
- extended self-attention ("stream_*"): the current queries attend over the
  current keys/values concatenated with those of the last S frames, each
  banked key's softmax weight scaled by the frame's bank weight (a logit
  offset of log(weight); 1 is StreamV2V's plain concatenation, 0 the frame
  alone);
- feature fusion ("fuse_*"): each output token moves by 0.8 x the weight
  towards its nearest banked output token (cosine similarity), where the
  similarity is at least 0.98.
A reset frame (the first, a cut) sees no bank, and frames before it are
never banked: until S frames have passed, the reset frame stands in for the
older ones."""
import math

import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16


def banked_frames(f, slots, resets):
    """The frames in frame f's bank: f-1 .. f-S, none before the last reset."""
    start = max(r for r in range(f + 1) if resets[r])
    return [max(f - s, start) for s in range(1, slots + 1)]


FUSION_THRESHOLD, FUSION_STRENGTH = 0.98, 0.8


def main() -> None:
    torch.manual_seed(14)
    w = GoldenWriter("ops/feature_bank.safetensors")

    def stream(case, batch, tokens, heads, head_dim, slots, weights, resets):
        frames, c = len(weights), heads * head_dim
        q = f16(torch.randn(frames, batch, tokens, c))
        k = f16(torch.randn(frames, batch, tokens, c))
        v = f16(torch.randn(frames, batch, tokens, c))

        def split(t):  # [B, T, H*D] -> [B, H, T, D]
            return t.double().view(batch, -1, heads, head_dim).transpose(1, 2)

        outputs = []
        for f in range(frames):
            keys, values, offsets = [k[f]], [v[f]], [torch.zeros(tokens, dtype=torch.float64)]
            if not resets[f] and weights[f] > 0:
                for b in banked_frames(f, slots, resets):
                    keys.append(k[b])
                    values.append(v[b])
                    offsets.append(torch.full((tokens,), math.log(weights[f]), dtype=torch.float64))
            scores = split(q[f]) @ split(torch.cat(keys, 1)).transpose(-1, -2) / math.sqrt(head_dim)
            probabilities = torch.softmax(scores + torch.cat(offsets), dim=-1)
            y = probabilities @ split(torch.cat(values, 1))
            outputs.append(y.transpose(1, 2).reshape(batch, tokens, c))
        w.add(case, {"op": "feature_bank_attention", "heads": heads, "slots": slots}, q=q, k=k, v=v,
              weight=torch.tensor(weights), reset=torch.tensor([float(r) for r in resets]),
              output=torch.stack(outputs))

    # Batch 2 (a guided UNet call), 37 tokens: the bank's keys span several shared-memory blocks;
    # a cut at frame 5, the weight moving between 0 and 1.
    stream("stream_t37_2x8_s3", 2, 37, 2, 8, 3,
           [1.0, 1.0, 0.5, 1.0, 1.0, 0.25, 1.0, 0.0, 1.0],
           [True, False, False, False, False, True, False, False, False])
    stream("stream_t24_1x64_s2", 1, 24, 1, 64, 2, [1.0, 0.8, 1.0, 1.0, 0.1], [True, False, False, False, False])
    stream("stream_t16_4x16_s1", 1, 16, 4, 16, 1, [1.0, 1.0, 1.0, 0.6], [True, False, True, False])

    def fuse(case, batch, tokens, channels, slots, weights, resets):
        frames = len(weights)
        out = [f16(torch.randn(batch, tokens, channels))]
        for f in range(1, frames):
            # Half the tokens are a previous frame's tokens, moved to other places: a little changed
            # (cosine ~0.999, taken), or more (~0.9, not taken); the rest new.
            x = torch.randn(batch, tokens, channels)
            source = out[f - 1][:, torch.randperm(tokens)]
            x[:, : tokens // 4] = source[:, : tokens // 4] + 0.05 * torch.randn(batch, tokens // 4, channels)
            x[:, tokens // 4 : tokens // 2] = source[:, tokens // 4 : tokens // 2] + 0.5 * torch.randn(
                batch, tokens // 2 - tokens // 4, channels)
            out.append(f16(x))
        fused, margin = [], 1.0
        for f in range(frames):
            y = out[f].double()
            if not resets[f] and weights[f] > 0:
                bank = torch.cat([out[b].double() for b in banked_frames(f, slots, resets)], 1)
                cosine = F.normalize(y, dim=-1) @ F.normalize(bank, dim=-1).transpose(1, 2)
                best, index = cosine.max(-1)
                margin = min(margin, (best - FUSION_THRESHOLD).abs().min().item())
                nearest = torch.gather(bank, 1, index.unsqueeze(-1).expand(-1, -1, channels))
                taken = (best >= FUSION_THRESHOLD).unsqueeze(-1)
                strength = FUSION_STRENGTH * weights[f]
                y = torch.where(taken, (1 - strength) * y + strength * nearest, y)
            fused.append(y)
        assert margin > 2e-3, f"{case}: a similarity {margin} from the threshold: f16 could flip it"
        w.add(case, {"op": "feature_bank_fuse", "slots": slots}, output=torch.stack(out),
              weight=torch.tensor(weights), reset=torch.tensor([float(r) for r in resets]),
              fused=torch.stack(fused))

    fuse("fuse_t37_2x16_s3", 2, 37, 16, 3, [1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.0, 1.0],
         [True, False, False, False, True, False, False, False])
    fuse("fuse_t64_1x64_s1", 1, 64, 64, 1, [1.0, 1.0, 0.75, 1.0], [True, False, False, False])
    w.save()


if __name__ == "__main__":
    main()
