// Swaps the last two dimensions: [B, M, N] -> [B, N, M]. The UNet's
// transformers see an NCHW image as tokens: [N, C, H*W] -> [N, H*W, C].
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// input of rank 2 or 3 (rank 2 is one batch).
Tensor transposeLastTwo(Plan& plan, const Tensor& input);

}  // namespace afterimage::nn
