// Scaled dot-product attention, memory-efficient (online softmax over key
// blocks: no [Tq, Tk] matrix in global memory), self and cross.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// q [B, Tq, H*D], k and v [B, Tk, H*D] -> [B, Tq, H*D]; heads split the last
// dimension (D = C / heads, 64 and up in SD). Softmax scale 1/sqrt(D).
// causal: query i attends to keys 0..i only (the CLIP text encoder).
Tensor attention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads, bool causal = false);

}  // namespace afterimage::nn
