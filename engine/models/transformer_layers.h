// Sub-layers of diffusers' BasicTransformerBlock that the UNet's spatial
// transformers and the motion adapter's temporal transformers share.
#pragma once
#include "engine/models/weight_reader.h"
#include "engine/nn/linear.h"
#include "engine/nn/normalization.h"
#include "engine/nn/plan.h"

namespace afterimage::models {

constexpr float kTransformerLayerNormEps = 1e-5f;  // BasicTransformerBlock's LayerNorms

// h + sublayer(layerNorm(h)); releases h. The sublayer is called with
// (normed, h) and returns its output plus h, added in its last kernel.
template <typename Sublayer>
nn::Tensor preNormResidual(nn::Plan& plan, const nn::Tensor& h, const NormWeights& norm, Sublayer sublayer) {
  nn::Tensor normed = nn::layerNorm(plan, h, norm.gamma, norm.beta, kTransformerLayerNormEps);
  nn::Tensor sum = sublayer(normed, h);
  plan.release(normed);
  plan.release(h);
  return sum;
}

// residual + out(GEGLU(in(x))): the feed-forward of a transformer block.
inline nn::Tensor gegluFeedForward(nn::Plan& plan, const LinearWeights& in, const LinearWeights& out,
                                   const nn::Tensor& x, const nn::Tensor& residual = {}) {
  nn::Tensor gated = nn::linearGeglu(plan, x, in.weight, in.bias);
  nn::Tensor result = nn::linear(plan, gated, out.weight, out.bias, nn::Activation::None, residual);
  plan.release(gated);
  return result;
}

}  // namespace afterimage::models
