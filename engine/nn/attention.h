// Scaled dot-product attention, memory-efficient (online softmax over key
// blocks: no [Tq, Tk] matrix in global memory), self and cross.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// q [B, Tq, H*D], k and v [B, Tk, H*D] -> [B, Tq, H*D]; heads split the last
// dimension (D = C / heads, 64 and up in SD). Softmax scale 1/sqrt(D).
// causal: query i attends to keys 0..i only (the CLIP text encoder).
enum class AttentionKernel {
  Auto,     // tensor cores where attentionCoopmatFits, else Plain
  Plain,    // shaders/attention.comp: one invocation per query row
  Coopmat,  // shaders/attention_coopmat.comp: Q K^T and P V on tensor cores
};
// The tensor-core kernel takes it where attentionCoopmatFits: head size 16,
// 32, 48 or 64 (its key and value blocks fill shared memory at 64), a
// multiple of 16 queries, and no causal mask.
Tensor attention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads, bool causal = false,
                 AttentionKernel kernel = AttentionKernel::Auto);

// Self-attention extended over a feature bank (StreamV2V): q, k, v as above
// (one frame's tokens, batch B), bankKeys and bankValues [S * B, Tk, H*D] the
// keys and values of S past frames (slot s of batch item b is row s * B + b),
// state f32 [4] = {weight, reset, slot, fusion} (feature_bank.h). Each banked key's
// softmax weight is scaled by `weight` (a score offset of log(weight)):
// weight 1 attends over the concatenation [k; bank] as StreamV2V does, 0 (or
// a reset frame) over k alone. The kernels as for attention(), the
// tensor-core one (shaders/feature_bank_attention_coopmat.comp) where it fits
// the frame's and the bank's keys together.
Tensor featureBankAttention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bankKeys,
                            const Tensor& bankValues, const Tensor& state, uint32_t heads,
                            AttentionKernel kernel = AttentionKernel::Auto);

// Whether the tensor-core kernel takes this attention: the device has them
// and the shared memory the kernel needs at this head size; with emulated
// cooperative matrices also few enough keys for lavapipe's loop limit.
bool attentionCoopmatFits(const gpu::DeviceInfo& device, uint32_t queries, uint32_t keys, uint32_t headDim,
                          bool causal);

}  // namespace afterimage::nn
