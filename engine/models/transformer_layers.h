// Sub-layers of diffusers' BasicTransformerBlock that the UNet's spatial
// transformers and the motion adapter's temporal transformers share.
#pragma once
#include "engine/models/weight_reader.h"
#include "engine/nn/linear.h"
#include "engine/nn/plan.h"

namespace afterimage::models {

constexpr float kTransformerLayerNormEps = 1e-5f;  // BasicTransformerBlock's LayerNorms

// A sublayer's input: the tokens h and the LayerNorm before the sublayer.
// Its first GEMMs apply the norm as they load h (inputNorm()), so the
// normalized tokens are never stored.
struct PreNormed {
  const nn::Tensor& h;
  const NormWeights& norm;
  nn::InputLayerNorm inputNorm() const { return {norm.gamma, norm.beta, kTransformerLayerNormEps}; }
};

// h + sublayer(layerNorm(h)); releases h. The sublayer is called with
// (PreNormed{h, norm}, h) and returns its output plus h, added in its last kernel.
template <typename Sublayer>
nn::Tensor preNormResidual(nn::Plan& plan, const nn::Tensor& h, const NormWeights& norm, Sublayer sublayer) {
  nn::Tensor sum = sublayer(PreNormed{h, norm}, h);
  plan.release(h);
  return sum;
}

// residual + out(GEGLU(in(layerNorm(x)))): the feed-forward of a transformer block.
inline nn::Tensor gegluFeedForward(nn::Plan& plan, const LinearWeights& in, const LinearWeights& out,
                                   const PreNormed& x, const nn::Tensor& residual = {}) {
  nn::Tensor gated = nn::linearGeglu(plan, x.h, in.weight, in.bias, x.inputNorm());
  nn::Tensor result = nn::linear(plan, gated, out.weight, out.bias, nn::Activation::None, residual);
  plan.release(gated);
  return result;
}

}  // namespace afterimage::models
