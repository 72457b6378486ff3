// Linear layer y = x W^T + b over the last dimension (PyTorch nn.Linear),
// on the matmul kernel; and batched matmul of tensors.
#pragma once
#include <vector>

#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

// A LayerNorm over the input's last dimension that the layer's GEMM applies
// to each input row as it loads it (a transformer's LayerNorm before its
// q/k/v, q or feed-forward layer): the normalized tokens are never stored.
struct InputLayerNorm {
  Tensor gamma, beta;  // [in]; gamma invalid: no norm
  float eps = 1e-5f;
  // Then + add[row / rowsPerAdd] where add is valid ([rows / rowsPerAdd, ...,
  // in]: a motion module's frame positions, one per frame of rowsPerAdd pixels).
  Tensor add;
  uint32_t rowsPerAdd = 1;
};

// input [..., in], weight [out, in], bias [out] or invalid -> [..., out];
// then + residual (the output's shape) and the activation, in the kernel's epilogue.
Tensor linear(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              Activation activation = Activation::None, const Tensor& residual = {},
              const InputLayerNorm& norm = {});
// A bias-free layer of layer-normalized input (a transformer's q, k or v).
inline Tensor linear(Plan& plan, const Tensor& input, const Tensor& weight, const InputLayerNorm& norm) {
  return linear(plan, input, weight, {}, Activation::None, {}, norm);
}
// A linear layer and GEGLU in one pass (diffusers' GEGLU: the layer's first
// half of outputs times the GELU of its second half): input [..., in],
// weight [2F, in] and bias [2F] (or invalid) with their rows interleaved
// by interleaveGegluRows -> [..., F].
Tensor linearGeglu(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias = {},
                   const InputLayerNorm& norm = {});
// Rows [2F, columns] (a weight; columns 1 for a bias) as linearGeglu takes
// them: row 2j is row j (value j), row 2j + 1 is row F + j (its gate).
std::vector<float> interleaveGegluRows(const std::vector<float>& rows, uint32_t columns);
// The same layer written channels first: input [N, tokens, in] -> [N, out, tokens]
// (an NCHW image's layout), + bias, + residual [N, out, tokens]; the
// transpose a token layer's output takes back to an image, fused.
Tensor linearToChannels(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias,
                        const Tensor& residual = {});
// One input through L bias-free layers of the same shape in one GEMM (a
// transformer's q, k and v): input [..., in], weights [L, out, in] (the
// layers' weights stacked) -> [L, ..., out], item l being layer l's output.
Tensor linearStacked(Plan& plan, const Tensor& input, const Tensor& weights, const InputLayerNorm& norm = {});
// a [B, M, K] x b [B, K, N] (or b [B, N, K] when bTransposed) -> [B, M, N]
Tensor batchedMatmul(Plan& plan, const Tensor& a, const Tensor& b, bool bTransposed = false, float alpha = 1.0f);

}  // namespace afterimage::nn
