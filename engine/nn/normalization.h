// Group norm (NCHW) and layer norm (last dimension). Statistics in f32.
#pragma once
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

// gamma, beta: [C]. Optional fused activation after the affine transform.
Tensor groupNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups, float eps,
                 Activation activation = Activation::None);
// Normalises over the last dimension; gamma, beta: [C].
Tensor layerNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, float eps);

}  // namespace afterimage::nn
