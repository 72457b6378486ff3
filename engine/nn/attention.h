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
Tensor attention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads, bool causal = false,
                 AttentionKernel kernel = AttentionKernel::Auto);

// Whether the tensor-core kernel takes it: the device has the kernels, head
// size 16, 32, 48 or 64 (its key and value blocks fill shared memory at 64),
// a multiple of 16 queries, and no causal mask.
bool attentionCoopmatFits(const gpu::DeviceInfo& device, uint32_t queries, uint32_t headDim, bool causal);

}  // namespace afterimage::nn
