// Group norm (NCHW) and layer norm (last dimension). Statistics in f32.
#pragma once
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

// How the statistics of a segment (a group, or a row) are computed; changes
// speed, not results. Auto: Serial on CPU devices for segments of at most
// kSerialNormMaxLength elements, else Workgroup.
enum class NormKernel { Auto, Workgroup, Serial };
constexpr uint32_t kSerialNormMaxLength = 4096;

// gamma, beta: [C]. Optional fused activation after the affine transform.
Tensor groupNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups, float eps,
                 Activation activation = Activation::None, NormKernel kernel = NormKernel::Auto);
// Normalises over the last dimension; gamma, beta: [C].
Tensor layerNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, float eps,
                 NormKernel kernel = NormKernel::Auto);

}  // namespace afterimage::nn
