// Group norm (NCHW) and layer norm (last dimension). Statistics in f32.
#pragma once
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

// How the statistics of a segment (a group, or a row) are computed; changes
// speed, not results. Workgroup: one workgroup a segment. Serial: one
// invocation a segment. Split: chunks of kSplitNormChunkLength elements, one
// workgroup each, in two dispatches. Auto: on CPU devices Serial for segments
// of at most kSerialNormMaxLength elements, else Workgroup; on GPUs Split
// where one workgroup a segment would leave most of the GPU idle.
enum class NormKernel { Auto, Workgroup, Serial, Split };
constexpr uint32_t kSerialNormMaxLength = 4096;
constexpr uint32_t kSplitNormChunkLength = 4096;

// gamma, beta: [C]. Optional fused activation after the affine transform.
Tensor groupNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups, float eps,
                 Activation activation = Activation::None, NormKernel kernel = NormKernel::Auto);
// Group norm of [first, second] concatenated along channels (the same N and
// spatial shape), read in place: a UNet up block's [h, skip] is never stored.
Tensor groupNormConcatenated(Plan& plan, const Tensor& first, const Tensor& second, const Tensor& gamma,
                             const Tensor& beta, uint32_t groups, float eps, Activation activation = Activation::None,
                             NormKernel kernel = NormKernel::Auto);
// The same group norm written as a transformer's tokens: input [N, C, H, W]
// -> [N, H*W, C] (the transpose a UNet transformer's proj_in needs, fused).
Tensor groupNormToTokens(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups,
                         float eps, NormKernel kernel = NormKernel::Auto);
// Normalises over the last dimension; gamma, beta: [C].
Tensor layerNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, float eps,
                 NormKernel kernel = NormKernel::Auto);

}  // namespace afterimage::nn
