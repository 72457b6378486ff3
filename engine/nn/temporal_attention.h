// Attention along the frame axis, independently at every pixel (AnimateDiff's
// temporal self-attention): many tiny F x F attentions instead of one large
// one, so a pixel's frames x channels are kept in shared memory
// (shaders/temporal_attention.comp), not streamed like nn::attention's keys.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

constexpr uint32_t kTemporalAttentionMaxFrames = 32;   // AnimateDiff's max_seq_length
constexpr uint32_t kTemporalAttentionMaxHeadDim = 160;  // 1280 channels, 8 heads

// q [Fq, P, H*D], k and v [Fk, P, H*D] (frames, pixels, channels: a clip's
// per-frame tokens; diffusers' `(b h w) f c` with the frames first, so the
// last frames are a contiguous tail) -> [Fq, P, H*D].
// The queries are the window's last Fq frames (Fq <= Fk): query i is frame
// Fk - Fq + i, and with `causal` it sees key frames 0..Fk - Fq + i only.
// Softmax scale 1/sqrt(D). With `otherFramesWeight` (f32 [1], written on
// the GPU side between runs) the softmax weights of every key frame but the
// query's own are scaled by it, clamped to 0..1: 1 attends as without it, 0
// to the query's own frame alone (how much a streamed frame takes from the
// past, changed frame by frame without re-recording).
Tensor temporalAttention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads,
                         bool causal = false, const Tensor* otherFramesWeight = nullptr);

}  // namespace afterimage::nn
