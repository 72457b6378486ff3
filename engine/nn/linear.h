// Linear layer y = x W^T + b over the last dimension (PyTorch nn.Linear),
// on the matmul kernel; and batched matmul of tensors.
#pragma once
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

// input [..., in], weight [out, in], bias [out] or invalid -> [..., out]
Tensor linear(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              Activation activation = Activation::None);
// a [B, M, K] x b [B, K, N] (or b [B, N, K] when bTransposed) -> [B, M, N]
Tensor batchedMatmul(Plan& plan, const Tensor& a, const Tensor& b, bool bTransposed = false, float alpha = 1.0f);

}  // namespace afterimage::nn
