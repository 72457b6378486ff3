#include "engine/models/motion_adapter.h"

#include <cmath>
#include <stdexcept>

#include "engine/models/transformer_layers.h"
#include "engine/nn/linear.h"
#include "engine/nn/normalization.h"
#include "engine/nn/temporal_attention.h"
#include "engine/nn/transpose.h"

namespace afterimage::models {
namespace {

constexpr float kGroupNormEps = 1e-6f;  // diffusers' temporal transformer GroupNorm

struct TemporalAttentionWeights {
  LinearWeights q, k, v, out;
};

struct TemporalBlockWeights {
  NormWeights norm1, norm2, norm3;
  TemporalAttentionWeights attention1, attention2;
  LinearWeights feedForwardIn, feedForwardOut;  // feedForwardIn's rows interleaved for GEGLU (gegluLinear)
};

}  // namespace

struct MotionAdapter::Layer {
  uint32_t channels = 0, heads = 0;
  NormWeights norm;
  LinearWeights projectIn, projectOut;
  std::vector<TemporalBlockWeights> blocks;
};

namespace {

MotionAdapter::Layer readLayer(WeightReader& r, const std::string& p, uint32_t channels, uint32_t heads,
                               uint32_t depth) {
  MotionAdapter::Layer w;
  w.channels = channels, w.heads = heads;
  w.norm = r.norm(p + ".norm", channels);
  w.projectIn = r.linear(p + ".proj_in", channels, channels, true);
  auto attention = [&](const std::string& a) {
    return TemporalAttentionWeights{r.linear(a + ".to_q", channels, channels, false),
                                    r.linear(a + ".to_k", channels, channels, false),
                                    r.linear(a + ".to_v", channels, channels, false),
                                    r.linear(a + ".to_out.0", channels, channels, true)};
  };
  for (uint32_t i = 0; i < depth; ++i) {
    std::string b = p + ".transformer_blocks." + std::to_string(i);
    TemporalBlockWeights block;
    block.norm1 = r.norm(b + ".norm1", channels);
    block.attention1 = attention(b + ".attn1");
    block.norm2 = r.norm(b + ".norm2", channels);
    block.attention2 = attention(b + ".attn2");
    block.norm3 = r.norm(b + ".norm3", channels);
    block.feedForwardIn = r.gegluLinear(b + ".ff.net.0.proj", channels, channels * 8);
    block.feedForwardOut = r.linear(b + ".ff.net.2", channels * 4, channels, true);
    w.blocks.push_back(std::move(block));
  }
  w.projectOut = r.linear(p + ".proj_out", channels, channels, true);
  return w;
}

// Attention over the frames of each pixel: queries from `queries` [Fq, P, C]
// (the window's last Fq frames), keys and values from `frames` [F, P, C],
// each layer-normalized with the frame positions added by its projections
// as they load it (queryNorm, frameNorm); plus `residual`. otherFramesWeight:
// as nn::temporalAttention's (nullptr: none).
nn::Tensor frameAttention(nn::Plan& plan, const TemporalAttentionWeights& w, const nn::Tensor& queries,
                          const nn::InputLayerNorm& queryNorm, const nn::Tensor& frames,
                          const nn::InputLayerNorm& frameNorm, uint32_t heads, bool causal,
                          const nn::Tensor* otherFramesWeight, const nn::Tensor& residual) {
  nn::Tensor q = nn::linear(plan, queries, w.q.weight, queryNorm);
  nn::Tensor k = nn::linear(plan, frames, w.k.weight, frameNorm);
  nn::Tensor v = nn::linear(plan, frames, w.v.weight, frameNorm);
  nn::Tensor attended = nn::temporalAttention(plan, q, k, v, heads, causal, otherFramesWeight);
  for (const auto& t : {q, k, v}) plan.release(t);
  nn::Tensor out = nn::linear(plan, attended, w.out.weight, w.out.bias, nn::Activation::None, residual);
  plan.release(attended);
  return out;
}

}  // namespace

MotionAdapter::MotionAdapter(gpu::Context& context, const std::string& configPath, const std::string& weightsPath)
    : config_(MotionAdapterConfig::fromFile(configPath)), weights_(context), positionTables_(context) {
  WeightReader r(weightsPath, weights_);
  const auto& c = config_;
  size_t blocks = c.blockOutChannels.size();
  for (size_t i = 0; i < blocks; ++i) {
    std::vector<Layer> layers;
    for (uint32_t j = 0; j < c.layersPerBlock; ++j)
      layers.push_back(readLayer(r, "down_blocks." + std::to_string(i) + ".motion_modules." + std::to_string(j),
                                 c.blockOutChannels[i], c.heads[i], c.transformerLayers[i]));
    down_.push_back(std::move(layers));
  }
  for (uint32_t j = 0; j < c.midLayers; ++j)
    mid_.push_back(readLayer(r, "mid_block.motion_modules." + std::to_string(j), c.blockOutChannels.back(),
                             c.heads.back(), c.midTransformerLayers));
  for (size_t i = 0; i < blocks; ++i) {
    size_t level = blocks - 1 - i;
    std::vector<Layer> layers;
    for (uint32_t j = 0; j <= c.layersPerBlock; ++j)
      layers.push_back(readLayer(r, "up_blocks." + std::to_string(i) + ".motion_modules." + std::to_string(j),
                                 c.blockOutChannels[level], c.heads[level], c.upTransformerLayers[i]));
    up_.push_back(std::move(layers));
  }
  parameters_ = r.parameters();
}

MotionAdapter::~MotionAdapter() = default;

const MotionAdapter::Layer& MotionAdapter::layer(const UNetLayerSite& site) const {
  const std::vector<Layer>* layers = site.block == UNetLayerSite::Block::Mid ? &mid_
                                     : site.block == UNetLayerSite::Block::Down
                                         ? (site.index < down_.size() ? &down_[site.index] : nullptr)
                                         : (site.index < up_.size() ? &up_[site.index] : nullptr);
  if (!layers || site.layer >= layers->size())
    throw std::runtime_error("motion adapter: no temporal layer for UNet block " + std::to_string(site.index) +
                             " layer " + std::to_string(site.layer) + " (the adapter does not fit the UNet)");
  return (*layers)[site.layer];
}

const nn::Tensor& MotionAdapter::positions(uint32_t frames, uint32_t channels) const {
  auto key = std::make_pair(frames, channels);
  auto found = positions_.find(key);
  if (found != positions_.end()) return found->second;
  // diffusers' SinusoidalPositionalEmbedding: sin on even, cos on odd channels.
  std::vector<float> table(size_t(frames) * channels);
  for (uint32_t f = 0; f < frames; ++f)
    for (uint32_t c = 0; c < channels; c += 2) {
      double angle = f * std::exp(-std::log(10000.0) * c / channels);
      table[size_t(f) * channels + c] = float(std::sin(angle));
      if (c + 1 < channels) table[size_t(f) * channels + c + 1] = float(std::cos(angle));
    }
  return positions_.emplace(key, positionTables_.upload(table, {frames, 1, channels})).first->second;
}

nn::Tensor MotionAdapter::temporalTransformer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& window,
                                              bool causal, bool lastFrameOnly,
                                              const nn::Tensor* otherFramesWeight) const {
  const Layer& w = layer(site);
  if (window.rank() != 4 || window.dim(1) != w.channels)
    throw std::runtime_error("motion adapter: a temporal layer of " + std::to_string(w.channels) +
                             " channels got " + nn::toString(window.shape()));
  uint32_t frames = window.dim(0), c = w.channels, pixels = window.dim(2) * window.dim(3);
  if (frames > config_.maxFrames)
    throw std::runtime_error("motion adapter: " + std::to_string(frames) + " frames exceed its " +
                             std::to_string(config_.maxFrames) + " positions (motion_max_seq_length)");

  // Group statistics span all frames: group norm on the channel-major view
  // [C, P, F], then back to frames first and each frame's tokens [F, P, C].
  nn::Tensor channelMajor = nn::transposeLastTwo(plan, window.reshaped({1, frames, c * pixels}));
  nn::Tensor normed = nn::groupNorm(plan, channelMajor.reshaped({1, c, pixels, frames}), w.norm.gamma, w.norm.beta,
                                    config_.normGroups, kGroupNormEps);
  plan.release(channelMajor);
  nn::Tensor framesFirst = nn::transposeLastTwo(plan, normed.reshaped({1, c * pixels, frames}));
  plan.release(normed);
  nn::Tensor tokens = nn::transposeLastTwo(plan, framesFirst.reshaped({frames, c, pixels}));
  plan.release(framesFirst);
  nn::Tensor h = nn::linear(plan, tokens, w.projectIn.weight, w.projectIn.bias);
  plan.release(tokens);

  // Each attention's input: its LayerNorm, then the frame positions added
  // (one row of positions per frame of `pixels` tokens).
  const nn::Tensor& positions = this->positions(frames, c);
  auto placed = [&](const NormWeights& norm) {
    return nn::InputLayerNorm{norm.gamma, norm.beta, kTransformerLayerNormEps, positions, pixels};
  };
  for (size_t b = 0; b < w.blocks.size(); ++b) {
    const auto& block = w.blocks[b];
    h = preNormResidual(plan, h, block.norm1, [&](const PreNormed& x, const nn::Tensor& residual) {
      return frameAttention(plan, block.attention1, x.h, placed(x.norm), x.h, placed(x.norm), w.heads, causal,
                            otherFramesWeight, residual);
    });
    if (lastFrameOnly && b + 1 == w.blocks.size()) {
      // Only the last frame's output is wanted: its queries alone from here.
      nn::InputLayerNorm lastNorm = placed(block.norm2);
      lastNorm.add = positions.batchItem(frames - 1);
      nn::Tensor last = frameAttention(plan, block.attention2, h.batchItem(frames - 1), lastNorm, h,
                                       placed(block.norm2), w.heads, causal, otherFramesWeight,
                                       h.batchItem(frames - 1));
      plan.release(h);
      h = last;
    } else {
      h = preNormResidual(plan, h, block.norm2, [&](const PreNormed& x, const nn::Tensor& residual) {
        return frameAttention(plan, block.attention2, x.h, placed(x.norm), x.h, placed(x.norm), w.heads, causal,
                              otherFramesWeight, residual);
      });
    }
    h = preNormResidual(plan, h, block.norm3, [&](const PreNormed& a, const nn::Tensor& residual) {
      return gegluFeedForward(plan, block.feedForwardIn, block.feedForwardOut, a, residual);
    });
  }
  uint32_t outFrames = lastFrameOnly ? 1 : frames;
  nn::Tensor residual = (lastFrameOnly ? window.batchItem(frames - 1) : window).reshaped({outFrames, c, pixels});
  nn::Tensor out = nn::linearToChannels(plan, h, w.projectOut.weight, w.projectOut.bias, residual);
  plan.release(h);
  nn::Shape shape = window.shape();
  shape[0] = outFrames;
  return out.reshaped(shape);
}

nn::Tensor MotionAdapter::afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) {
  return temporalTransformer(plan, site, hidden, false);
}

}  // namespace afterimage::models
