// 2-D convolution, NCHW, square kernels (1x1 and 3x3 used), stride 1 or 2,
// zero padding, optional bias, any channel counts. Optional fused epilogue:
// + residual (same shape as the output), then an activation.
#pragma once
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

struct Conv2dWeights {
  Tensor weight;  // [Cout, Cin, k, k]
  Tensor bias;    // [Cout], or invalid for none
};

struct Conv2dOptions {
  uint32_t stride = 1;
  uint32_t padding = 1;
  Activation activation = Activation::None;
};

// input [N, Cin, H, W] -> output [N, Cout, (H + 2p - k) / s + 1, ...], a new activation of `plan`.
Tensor conv2d(Plan& plan, const Tensor& input, const Conv2dWeights& weights, const Conv2dOptions& options = {},
              const Tensor& residual = {});

}  // namespace afterimage::nn
