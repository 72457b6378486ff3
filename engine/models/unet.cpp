#include "engine/models/unet.h"

#include <algorithm>

#include "engine/models/transformer_layers.h"
#include "engine/models/weight_reader.h"
#include "engine/nn/attention.h"
#include "engine/nn/concat.h"
#include "engine/nn/conv2d.h"
#include "engine/nn/elementwise.h"
#include "engine/nn/linear.h"
#include "engine/nn/normalization.h"
#include "engine/nn/timestep_embedding.h"

namespace afterimage::models {
namespace {

constexpr float kTransformerNormEps = 1e-6f;  // diffusers Transformer2DModel's GroupNorm

struct AttentionWeights {
  LinearWeights q, k, v, out;
  // Self-attention: q, k, v [3, C, C] (one GEMM for them); the layers above
  // are views of it.
  nn::Tensor stacked;
  // Cross-attention: k and v are items keysValuesItem and + 1 of the
  // stacked keys and values of every cross-attention of this width (the text
  // context is the same for all: one GEMM per width and UNet call).
  uint32_t keysValuesGroup = 0, keysValuesItem = 0;
};

// The cross-attention key and value weights of the transformers of one width, stacked.
struct ContextKeysValues {
  uint32_t channels = 0, items = 0;
  std::vector<float> host;  // while loading
  nn::Tensor weights;       // [items, channels, context]
};

struct TransformerBlockWeights {
  NormWeights norm1, norm2, norm3;
  AttentionWeights self, cross;
  LinearWeights feedForwardIn, feedForwardOut;  // feedForwardIn's rows interleaved for GEGLU (gegluLinear)
};

}  // namespace

struct UNet::Resnet {
  uint32_t in = 0, out = 0;
  NormWeights norm1, norm2;
  nn::Conv2dWeights conv1, conv2, shortcut;  // conv1 without its bias: it is in the time projections'
  uint32_t timeOffset = 0;  // this ResNet's first column in the stacked time projections
};

// Every ResNet's time_emb_proj, stacked into one layer so that one GEMM per
// UNet call projects the embedding for all of them. Each bias is the
// projection's plus its conv1's, which conv1 adds per image.
struct StackedTimeProjections {
  std::vector<float> weight, bias;  // [rows, embedding], [rows] on the host while loading
  uint32_t rows = 0;
  LinearWeights uploaded;
};

struct UNet::Transformer {
  uint32_t channels = 0, heads = 0;
  NormWeights norm;
  LinearWeights projectIn, projectOut;
  std::vector<TransformerBlockWeights> blocks;
};

struct UNet::DownBlock {
  std::vector<Resnet> resnets;
  std::vector<Transformer> transformers;  // empty, or one per resnet
  nn::Conv2dWeights downsample;           // invalid weight: none
};

struct UNet::UpBlock {
  std::vector<Resnet> resnets;
  std::vector<Transformer> transformers;
  nn::Conv2dWeights upsample;
};

struct UNet::Weights {
  nn::Conv2dWeights convIn, convOut;
  LinearWeights time1, time2;
  StackedTimeProjections timeProjections;
  std::vector<ContextKeysValues> contextKeysValues;
  std::vector<DownBlock> down;
  bool hasMid = false;
  Resnet mid0, mid1;
  Transformer midTransformer;
  std::vector<UpBlock> up;
  NormWeights normOut;
};

namespace {

class UNetLoader {
 public:
  UNetLoader(const UNetConfig& config, WeightReader& reader, StackedTimeProjections& time,
             std::vector<ContextKeysValues>& keysValues)
      : c_(config), r_(reader), time_(time), keysValues_(keysValues) {}

  UNet::Resnet resnet(const std::string& p, uint32_t in, uint32_t out) {
    UNet::Resnet w;
    w.in = in, w.out = out;
    w.norm1 = r_.norm(p + ".norm1", in);
    w.conv1.weight = r_.tensor(p + ".conv1.weight", {out, in, 3, 3});
    std::vector<float> conv1Bias = r_.values(p + ".conv1.bias", {out});
    uint32_t embedding = c_.timeEmbeddingDim();
    std::vector<float> weight = r_.values(p + ".time_emb_proj.weight", {out, embedding});
    std::vector<float> bias = r_.values(p + ".time_emb_proj.bias", {out});
    w.timeOffset = time_.rows;
    time_.rows += out;
    time_.weight.insert(time_.weight.end(), weight.begin(), weight.end());
    for (size_t i = 0; i < bias.size(); ++i) time_.bias.push_back(bias[i] + conv1Bias[i]);
    w.norm2 = r_.norm(p + ".norm2", out);
    w.conv2 = r_.conv(p + ".conv2", out, out, 3);
    if (in != out) w.shortcut = r_.conv(p + ".conv_shortcut", in, out, 1);
    return w;
  }

  AttentionWeights selfAttention(const std::string& p, uint32_t channels) {
    AttentionWeights w;
    w.stacked = r_.stacked({p + ".to_q.weight", p + ".to_k.weight", p + ".to_v.weight"}, {channels, channels});
    if (w.stacked.valid()) {
      auto item = [&](uint32_t i) { return w.stacked.batchItem(i).reshaped({channels, channels}); };
      w.q.weight = item(0), w.k.weight = item(1), w.v.weight = item(2);
    }
    w.out = r_.linear(p + ".to_out.0", channels, channels, true);
    return w;
  }

  // k and v stay on the host until finish() uploads every width's together.
  AttentionWeights crossAttention(const std::string& p, uint32_t channels, uint32_t contextDim) {
    AttentionWeights w;
    w.q = r_.linear(p + ".to_q", channels, channels, false);
    auto group = std::find_if(keysValues_.begin(), keysValues_.end(),
                              [&](const ContextKeysValues& g) { return g.channels == channels; });
    if (group == keysValues_.end()) group = keysValues_.insert(keysValues_.end(), ContextKeysValues{channels});
    w.keysValuesGroup = uint32_t(group - keysValues_.begin());
    w.keysValuesItem = group->items;
    for (const char* name : {".to_k.weight", ".to_v.weight"}) {
      std::vector<float> values = r_.values(p + name, {channels, contextDim});
      group->host.insert(group->host.end(), values.begin(), values.end());
      group->items++;
    }
    w.out = r_.linear(p + ".to_out.0", channels, channels, true);
    return w;
  }

  UNet::Transformer transformer(const std::string& p, uint32_t channels, uint32_t heads, uint32_t depth) {
    UNet::Transformer w;
    w.channels = channels, w.heads = heads;
    w.norm = r_.norm(p + ".norm", channels);
    auto projection = [&](const std::string& name) {
      return c_.linearProjection ? r_.linear(p + "." + name, channels, channels, true)
                                 : r_.pointwiseConvAsLinear(p + "." + name, channels, channels);
    };
    w.projectIn = projection("proj_in");
    for (uint32_t i = 0; i < depth; ++i) {
      std::string b = p + ".transformer_blocks." + std::to_string(i);
      TransformerBlockWeights block;
      block.norm1 = r_.norm(b + ".norm1", channels);
      block.self = selfAttention(b + ".attn1", channels);
      block.norm2 = r_.norm(b + ".norm2", channels);
      block.cross = crossAttention(b + ".attn2", channels, c_.crossAttentionDim);
      block.norm3 = r_.norm(b + ".norm3", channels);
      block.feedForwardIn = r_.gegluLinear(b + ".ff.net.0.proj", channels, channels * 8);
      block.feedForwardOut = r_.linear(b + ".ff.net.2", channels * 4, channels, true);
      w.blocks.push_back(std::move(block));
    }
    w.projectOut = projection("proj_out");
    return w;
  }

 private:
  const UNetConfig& c_;
  WeightReader& r_;
  StackedTimeProjections& time_;
  std::vector<ContextKeysValues>& keysValues_;
};

}  // namespace

UNet::UNet(gpu::Context& context, const std::string& configPath, const std::string& weightsPath)
    : config_(UNetConfig::fromFile(configPath)), weights_(context), w_(std::make_unique<Weights>()) {
  WeightReader reader(weightsPath, weights_);
  load(reader);
}

UNet::UNet(gpu::Context& context, const UNetConfig& config, uint64_t randomSeed)
    : config_(config), weights_(context), w_(std::make_unique<Weights>()) {
  WeightReader reader = WeightReader::randomWeights(randomSeed, weights_);
  load(reader);
}

UNet::UNet(gpu::Context& context, const UNetConfig& config, WeightReader& reader)
    : config_(config), weights_(context), w_(std::make_unique<Weights>()) {
  load(reader);
}

std::vector<WeightReader::Requested> UNet::tensorShapes(gpu::Context& context, const UNetConfig& config) {
  nn::WeightStore store(context);
  WeightReader reader = WeightReader::shapesOnly(store);
  UNet layout(context, config, reader);
  return reader.requested();
}

void UNet::load(WeightReader& reader) {
  UNetLoader load(config_, reader, w_->timeProjections, w_->contextKeysValues);
  const auto& c = config_;
  const auto& channels = c.blockOutChannels;
  size_t blocks = channels.size();
  uint32_t base = channels[0], embedding = c.timeEmbeddingDim();
  w_->convIn = reader.conv("conv_in", c.inChannels, base, 3);
  w_->time1 = reader.linear("time_embedding.linear_1", base, embedding, true);
  w_->time2 = reader.linear("time_embedding.linear_2", embedding, embedding, true);

  uint32_t in = base;
  for (size_t i = 0; i < blocks; ++i) {
    DownBlock block;
    std::string p = "down_blocks." + std::to_string(i);
    for (uint32_t j = 0; j < c.layersPerBlock; ++j) {
      block.resnets.push_back(load.resnet(p + ".resnets." + std::to_string(j), j == 0 ? in : channels[i], channels[i]));
      if (c.downCrossAttention[i])
        block.transformers.push_back(load.transformer(p + ".attentions." + std::to_string(j), channels[i], c.heads[i],
                                                      c.transformerLayers[i]));
    }
    if (i + 1 < blocks) block.downsample = reader.conv(p + ".downsamplers.0.conv", channels[i], channels[i], 3);
    w_->down.push_back(std::move(block));
    in = channels[i];
  }

  uint32_t top = channels.back();
  w_->hasMid = c.midBlock;
  if (c.midBlock) {
    w_->mid0 = load.resnet("mid_block.resnets.0", top, top);
    w_->midTransformer = load.transformer("mid_block.attentions.0", top, c.heads.back(), c.transformerLayers.back());
    w_->mid1 = load.resnet("mid_block.resnets.1", top, top);
  }

  uint32_t previous = top;
  for (size_t i = 0; i < blocks; ++i) {
    size_t level = blocks - 1 - i;  // the down block this up block mirrors
    uint32_t out = channels[level];
    uint32_t skipIn = channels[level == 0 ? 0 : level - 1];
    UpBlock block;
    std::string p = "up_blocks." + std::to_string(i);
    for (uint32_t j = 0; j <= c.layersPerBlock; ++j) {
      uint32_t skip = j == c.layersPerBlock ? skipIn : out;
      uint32_t resnetIn = (j == 0 ? previous : out) + skip;
      block.resnets.push_back(load.resnet(p + ".resnets." + std::to_string(j), resnetIn, out));
      if (c.upCrossAttention[i])
        block.transformers.push_back(
            load.transformer(p + ".attentions." + std::to_string(j), out, c.heads[level], c.transformerLayers[level]));
    }
    if (i + 1 < blocks) block.upsample = reader.conv(p + ".upsamplers.0.conv", out, out, 3);
    w_->up.push_back(std::move(block));
    previous = out;
  }
  w_->normOut = reader.norm("conv_norm_out", base);
  w_->convOut = reader.conv("conv_out", base, c.outChannels, 3);
  parameters_ = reader.parameters();
  StackedTimeProjections& time = w_->timeProjections;
  if (!reader.shapesOnlyMode()) {
    time.uploaded.weight = weights_.upload(time.weight, {time.rows, embedding});
    time.uploaded.bias = weights_.upload(time.bias, {time.rows});
  }
  time.weight = {}, time.bias = {};

  for (auto& group : w_->contextKeysValues) {
    if (!reader.shapesOnlyMode())
      group.weights = weights_.upload(group.host, {group.items, group.channels, c.crossAttentionDim});
    group.host = {};
  }
  if (reader.shapesOnlyMode()) return;
  // Each cross-attention's k and v: views of its width's stack (for the per-transformer fallback).
  auto viewKeysValues = [&](Transformer& t) {
    for (auto& block : t.blocks) {
      AttentionWeights& a = block.cross;
      const nn::Tensor& stacked = w_->contextKeysValues[a.keysValuesGroup].weights;
      a.k.weight = stacked.batchItem(a.keysValuesItem).reshaped({t.channels, c.crossAttentionDim});
      a.v.weight = stacked.batchItem(a.keysValuesItem + 1).reshaped({t.channels, c.crossAttentionDim});
    }
  };
  for (auto& block : w_->down)
    for (auto& t : block.transformers) viewKeysValues(t);
  if (w_->hasMid) viewKeysValues(w_->midTransformer);
  for (auto& block : w_->up)
    for (auto& t : block.transformers) viewKeysValues(t);
}

UNet::~UNet() = default;

nn::Tensor UNet::resnet(nn::Plan& plan, const Resnet& r, const nn::Tensor& x, const nn::Tensor& timeBias,
                        const nn::Tensor& skip) const {
  if (skip.valid() && !r.shortcut.weight.valid()) {
    // Its residual is the joined input itself: store it (no up block of SD's family has this).
    nn::Tensor joined = nn::concatChannels(plan, x, skip);
    nn::Tensor out = resnet(plan, r, joined, timeBias);
    plan.release(joined);
    return out;
  }
  using nn::Activation;
  float eps = config_.normEps;
  uint32_t groups = config_.normGroups;
  nn::Tensor h = skip.valid()
                     ? nn::groupNormConcatenated(plan, x, skip, r.norm1.gamma, r.norm1.beta, groups, eps, Activation::SiLU)
                     : nn::groupNorm(plan, x, r.norm1.gamma, r.norm1.beta, groups, eps, Activation::SiLU);
  nn::Tensor withTime = nn::conv2d(plan, h, r.conv1, {}, {}, {timeBias, r.timeOffset});
  plan.release(h);
  h = nn::groupNorm(plan, withTime, r.norm2.gamma, r.norm2.beta, groups, eps, Activation::SiLU);
  plan.release(withTime);
  // A projection shortcut is part of conv2's sum; an identity one its residual.
  nn::Conv2dOptions conv2;
  if (r.shortcut.weight.valid()) conv2.shortcut = {x, skip, r.shortcut};
  nn::Tensor out = nn::conv2d(plan, h, r.conv2, conv2, r.shortcut.weight.valid() ? nn::Tensor{} : x);
  plan.release(h);
  return out;
}

namespace {

// Whether item `item` of a [items, N, T, C] stack of activations can be bound on its own.
bool itemsBindable(nn::Plan& plan, const nn::Tensor& input, uint32_t channels) {
  uint64_t alignment = plan.context().info().minStorageBufferOffsetAlignment;
  return input.elements() / input.dim(-1) * channels * 2 % alignment == 0;
}

// residual + out(attention(q(x), k, v)) with q, k, v in one GEMM where its
// items can be bound on their own. bank: attention over the banked frames
// too, and the output fused with theirs before the residual.
nn::Tensor selfAttentionLayer(nn::Plan& plan, const AttentionWeights& w, const PreNormed& input, uint32_t heads,
                              const nn::Tensor& residual, SelfAttentionBank* bank) {
  uint32_t channels = w.q.weight.dim(0);
  const nn::Tensor& x = input.h;
  nn::Tensor q, k, v, stacked;
  if (itemsBindable(plan, x, channels)) {
    stacked = nn::linearStacked(plan, x, w.stacked, input.inputNorm());
    auto item = [&](uint32_t i) { return stacked.batchItem(i).reshaped({x.dim(0), x.dim(1), channels}); };
    q = item(0), k = item(1), v = item(2);
  } else {
    auto layer = [&](const LinearWeights& l) {
      return nn::linear(plan, x, l.weight, input.inputNorm());
    };
    q = layer(w.q), k = layer(w.k), v = layer(w.v);
  }
  nn::Tensor attended = bank ? bank->attend(plan, q, k, v, heads) : nn::attention(plan, q, k, v, heads);
  if (stacked.valid())
    plan.release(stacked);
  else
    for (const auto& t : {q, k, v}) plan.release(t);
  nn::Tensor out =
      nn::linear(plan, attended, w.out.weight, w.out.bias, nn::Activation::None, bank ? nn::Tensor{} : residual);
  plan.release(attended);
  if (!bank) return out;
  nn::Tensor fused = bank->fuse(plan, out);
  plan.release(out);
  nn::Tensor sum = nn::add(plan, fused, residual);
  plan.release(fused);
  return sum;
}

// residual + out(attention(q(x), k(context), v(context))); k and v come from
// `keysValues` (this width's stack for the UNet call) where it is valid.
nn::Tensor crossAttentionLayer(nn::Plan& plan, const AttentionWeights& w, const PreNormed& x,
                               const nn::Tensor& context, const nn::Tensor& keysValues, uint32_t heads,
                               const nn::Tensor& residual) {
  uint32_t channels = w.q.weight.dim(0);
  nn::Tensor k, v;
  if (keysValues.valid()) {
    auto item = [&](uint32_t i) {
      return keysValues.batchItem(i).reshaped({context.dim(0), context.dim(1), channels});
    };
    k = item(w.keysValuesItem), v = item(w.keysValuesItem + 1);
  } else {
    k = nn::linear(plan, context, w.k.weight);
    v = nn::linear(plan, context, w.v.weight);
  }
  nn::Tensor q = nn::linear(plan, x.h, w.q.weight, x.inputNorm());
  nn::Tensor attended = nn::attention(plan, q, k, v, heads);
  plan.release(q);
  if (!keysValues.valid())
    for (const auto& t : {k, v}) plan.release(t);
  nn::Tensor out = nn::linear(plan, attended, w.out.weight, w.out.bias, nn::Activation::None, residual);
  plan.release(attended);
  return out;
}

}  // namespace

nn::Tensor UNet::transformer(nn::Plan& plan, const Transformer& t, const nn::Tensor& x, const nn::Tensor& context,
                             const std::vector<nn::Tensor>& contextKeysValues, SelfAttentionBank* bank) const {
  uint32_t n = x.dim(0), c = x.dim(1), height = x.dim(2), width = x.dim(3);
  nn::Tensor tokens = nn::groupNormToTokens(plan, x, t.norm.gamma, t.norm.beta, config_.normGroups, kTransformerNormEps);
  nn::Tensor h = nn::linear(plan, tokens, t.projectIn.weight, t.projectIn.bias);
  plan.release(tokens);
  for (const auto& block : t.blocks) {
    h = preNormResidual(plan, h, block.norm1, [&](const PreNormed& a, const nn::Tensor& residual) {
      return selfAttentionLayer(plan, block.self, a, t.heads, residual, bank);
    });
    h = preNormResidual(plan, h, block.norm2, [&](const PreNormed& a, const nn::Tensor& residual) {
      return crossAttentionLayer(plan, block.cross, a, context, contextKeysValues[block.cross.keysValuesGroup],
                                 t.heads, residual);
    });
    h = preNormResidual(plan, h, block.norm3, [&](const PreNormed& a, const nn::Tensor& residual) {
      return gegluFeedForward(plan, block.feedForwardIn, block.feedForwardOut, a, residual);
    });
  }
  nn::Tensor out = nn::linearToChannels(plan, h, t.projectOut.weight, t.projectOut.bias, x.reshaped({n, c, height * width}));
  plan.release(h);
  return out.reshaped({n, c, height, width});
}

nn::Tensor UNet::forward(nn::Plan& plan, const nn::Tensor& sample, const nn::Tensor& timesteps,
                         const nn::Tensor& context, bool timestamps, UNetLayerHook* hook,
                         SelfAttentionBank* bank) const {
  const auto& c = config_;
  const Weights& w = *w_;
  size_t blocks = c.blockOutChannels.size();
  uint32_t factor = 1u << (blocks - 1);
  if (sample.rank() != 4 || sample.dim(1) != c.inChannels || sample.dim(2) % factor || sample.dim(3) % factor)
    throw std::runtime_error("UNet: sample must be [N, " + std::to_string(c.inChannels) + ", h, w] with h, w multiples of " +
                             std::to_string(factor) + ", got " + nn::toString(sample.shape()));
  if (context.rank() != 3 || context.dim(0) != sample.dim(0) || context.dim(2) != c.crossAttentionDim)
    throw std::runtime_error("UNet: context must be [N, tokens, " + std::to_string(c.crossAttentionDim) + "], got " +
                             nn::toString(context.shape()));
  auto mark = [&](const std::string& label) {
    if (timestamps) plan.mark(label);
  };
  auto hooked = [&](nn::Tensor& h, UNetLayerSite::Block block, size_t index, size_t layer) {
    if (!hook) return;
    nn::Tensor out = hook->afterLayer(plan, {block, uint32_t(index), uint32_t(layer)}, h);
    if (out.sameStorage(h)) return;
    plan.release(h);
    h = out;
  };

  nn::TimestepEmbeddingOptions sinusoid{c.blockOutChannels[0], c.flipSinToCos, c.freqShift};
  nn::Tensor projected = nn::timestepEmbedding(plan, timesteps, sinusoid);
  nn::Tensor hidden = nn::linear(plan, projected, w.time1.weight, w.time1.bias, nn::Activation::SiLU);
  plan.release(projected);
  // Every ResNet projects SiLU(embedding): compute it once, and all their projections in one GEMM.
  nn::Tensor embedding = nn::linear(plan, hidden, w.time2.weight, w.time2.bias, nn::Activation::SiLU);
  plan.release(hidden);
  nn::Tensor timeBias = nn::linear(plan, embedding, w.timeProjections.uploaded.weight, w.timeProjections.uploaded.bias);
  plan.release(embedding);

  // Every cross-attention's keys and values: one GEMM per width.
  std::vector<nn::Tensor> contextKeysValues;
  for (const auto& group : w.contextKeysValues)
    contextKeysValues.push_back(itemsBindable(plan, context, group.channels)
                                    ? nn::linearStacked(plan, context, group.weights)
                                    : nn::Tensor{});

  std::vector<nn::Tensor> skips;
  nn::Tensor h = nn::conv2d(plan, sample, w.convIn);
  skips.push_back(h);
  mark("conv_in+time");
  for (size_t i = 0; i < blocks; ++i) {
    const DownBlock& block = w.down[i];
    for (size_t j = 0; j < block.resnets.size(); ++j) {
      h = resnet(plan, block.resnets[j], h, timeBias);
      if (!block.transformers.empty()) {
        nn::Tensor attended = transformer(plan, block.transformers[j], h, context, contextKeysValues, bank);
        plan.release(h);
        h = attended;
      }
      hooked(h, UNetLayerSite::Block::Down, i, j);
      skips.push_back(h);
    }
    if (block.downsample.weight.valid()) {
      h = nn::conv2d(plan, h, block.downsample, {2, 1});
      skips.push_back(h);
    }
    mark("down" + std::to_string(i));
  }

  bool hIsSkip = true;
  if (w.hasMid) {
    nn::Tensor first = resnet(plan, w.mid0, h, timeBias);
    nn::Tensor attended = transformer(plan, w.midTransformer, first, context, contextKeysValues, bank);
    plan.release(first);
    hooked(attended, UNetLayerSite::Block::Mid, 0, 0);
    h = resnet(plan, w.mid1, attended, timeBias);
    plan.release(attended);
    hIsSkip = false;
    mark("mid");
  }

  for (size_t i = 0; i < blocks; ++i) {
    const UpBlock& block = w.up[i];
    for (size_t j = 0; j < block.resnets.size(); ++j) {
      nn::Tensor skip = skips.back();
      skips.pop_back();
      nn::Tensor next = resnet(plan, block.resnets[j], h, timeBias, skip);
      if (!hIsSkip) plan.release(h);
      plan.release(skip);
      hIsSkip = false;
      h = next;
      if (!block.transformers.empty()) {
        nn::Tensor attended = transformer(plan, block.transformers[j], h, context, contextKeysValues, bank);
        plan.release(h);
        h = attended;
      }
      hooked(h, UNetLayerSite::Block::Up, i, j);
    }
    if (block.upsample.weight.valid()) {
      nn::Tensor larger = nn::conv2d(plan, h, block.upsample, {.upsample = true});
      plan.release(h);
      h = larger;
    }
    mark("up" + std::to_string(i));
  }
  plan.release(timeBias);
  for (const auto& t : contextKeysValues)
    if (t.valid()) plan.release(t);

  nn::Tensor normed = nn::groupNorm(plan, h, w.normOut.gamma, w.normOut.beta, c.normGroups, c.normEps,
                                    nn::Activation::SiLU);
  plan.release(h);
  nn::Tensor out = nn::conv2d(plan, normed, w.convOut);
  plan.release(normed);
  mark("conv_out");
  return out;
}

}  // namespace afterimage::models
