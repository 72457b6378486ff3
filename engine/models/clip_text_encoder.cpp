#include "engine/models/clip_text_encoder.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

#include "engine/models/config_reader.h"
#include "engine/models/weight_reader.h"
#include "engine/nn/attention.h"
#include "engine/nn/linear.h"
#include "engine/nn/normalization.h"

namespace afterimage::models {

ClipTextConfig ClipTextConfig::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the text encoder config");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
  ClipTextConfig c;
  ConfigReader r(j, path);
  auto get = [&](const char* field, auto fallback) { return r.get(field, fallback); };
  c.vocabSize = get("vocab_size", c.vocabSize);
  c.hiddenSize = get("hidden_size", c.hiddenSize);
  c.intermediateSize = get("intermediate_size", c.intermediateSize);
  c.layers = get("num_hidden_layers", c.layers);
  c.heads = get("num_attention_heads", c.heads);
  c.maxPositions = get("max_position_embeddings", c.maxPositions);
  c.layerNormEps = get("layer_norm_eps", c.layerNormEps);
  std::string act = get("hidden_act", std::string("quick_gelu"));
  if (act == "quick_gelu") {
    c.activation = nn::Activation::QuickGELU;
  } else if (act == "gelu") {
    c.activation = nn::Activation::GELU;
  } else {
    throw std::runtime_error(path + ": field 'hidden_act' is \"" + act + "\"; supported: gelu, quick_gelu");
  }
  if (c.heads == 0 || c.hiddenSize % c.heads != 0)
    throw std::runtime_error(path + ": field 'num_attention_heads' (" + std::to_string(c.heads) +
                             ") does not divide hidden_size " + std::to_string(c.hiddenSize));
  return c;
}

struct ClipTextEncoder::Layer {
  NormWeights norm1, norm2;
  LinearWeights q, k, v, out, fc1, fc2;
};

ClipTextEncoder::ClipTextEncoder(gpu::Context& context, const std::string& configPath, const std::string& weightsPath)
    : context_(context), config_(ClipTextConfig::fromFile(configPath)), weights_(context) {
  WeightReader reader(weightsPath, weights_);
  load(reader);
  file_ = std::make_unique<nn::SafetensorsFile>(weightsPath);
}

ClipTextEncoder::ClipTextEncoder(gpu::Context& context, const ClipTextConfig& config, WeightReader& reader)
    : context_(context), config_(config), weights_(context) {
  load(reader);
}

std::vector<WeightReader::Requested> ClipTextEncoder::tensorShapes(gpu::Context& context, const ClipTextConfig& config) {
  nn::WeightStore store(context);
  WeightReader reader = WeightReader::shapesOnly(store);
  ClipTextEncoder layout(context, config, reader);
  return reader.requested();
}

void ClipTextEncoder::load(WeightReader& reader) {
  const auto& c = config_;
  prefix_ = !reader.hasFile() || reader.has("text_model.embeddings.token_embedding.weight") ? "text_model." : "";
  std::string embeddings = prefix_ + "embeddings.";
  reader.expect(embeddings + "token_embedding.weight", {c.vocabSize, c.hiddenSize});
  reader.expect(embeddings + "position_embedding.weight", {c.maxPositions, c.hiddenSize});
  if (reader.hasFile())
    positions_ = reader.file().readFloats(embeddings + "position_embedding.weight", {c.maxPositions, c.hiddenSize});
  for (uint32_t i = 0; i < c.layers; ++i) {
    std::string p = prefix_ + "encoder.layers." + std::to_string(i) + ".";
    Layer layer;
    uint32_t h = c.hiddenSize;
    layer.norm1 = reader.norm(p + "layer_norm1", h);
    layer.q = reader.linear(p + "self_attn.q_proj", h, h, true);
    layer.k = reader.linear(p + "self_attn.k_proj", h, h, true);
    layer.v = reader.linear(p + "self_attn.v_proj", h, h, true);
    layer.out = reader.linear(p + "self_attn.out_proj", h, h, true);
    layer.norm2 = reader.norm(p + "layer_norm2", h);
    layer.fc1 = reader.linear(p + "mlp.fc1", h, c.intermediateSize, true);
    layer.fc2 = reader.linear(p + "mlp.fc2", c.intermediateSize, h, true);
    layers_.push_back(std::move(layer));
  }
  auto final = reader.norm(prefix_ + "final_layer_norm", c.hiddenSize);
  finalGamma_ = final.gamma, finalBeta_ = final.beta;
  parameters_ = reader.parameters();
}

ClipTextEncoder::~ClipTextEncoder() = default;

std::vector<float> ClipTextEncoder::embed(const std::vector<int32_t>& ids) const {
  const auto& c = config_;
  if (ids.size() > c.maxPositions)
    throw std::runtime_error("text encoder: " + std::to_string(ids.size()) + " tokens, at most " +
                             std::to_string(c.maxPositions));
  const auto& table = file_->require(prefix_ + "embeddings.token_embedding.weight");
  std::vector<float> out(ids.size() * c.hiddenSize);
  for (size_t t = 0; t < ids.size(); ++t) {
    if (ids[t] < 0 || uint32_t(ids[t]) >= c.vocabSize)
      throw std::runtime_error("text encoder: token id " + std::to_string(ids[t]) + " outside the vocabulary of " +
                               std::to_string(c.vocabSize));
    auto row = file_->readFloats(table, size_t(ids[t]) * c.hiddenSize, c.hiddenSize);
    for (uint32_t i = 0; i < c.hiddenSize; ++i)
      out[t * c.hiddenSize + i] = row[i] + positions_[t * c.hiddenSize + i];
  }
  return out;
}

nn::Tensor ClipTextEncoder::forward(nn::Plan& plan, const nn::Tensor& embeddings) const {
  const auto& c = config_;
  if (embeddings.rank() != 3 || embeddings.dim(2) != c.hiddenSize || embeddings.dim(1) > c.maxPositions)
    throw std::runtime_error("text encoder: embeddings must be [N, T <= " + std::to_string(c.maxPositions) + ", " +
                             std::to_string(c.hiddenSize) + "], got " + nn::toString(embeddings.shape()));
  nn::Tensor h = embeddings;
  bool ownsH = false;
  auto replace = [&](nn::Tensor next) {
    if (ownsH) plan.release(h);
    h = next;
    ownsH = true;
  };
  for (const Layer& layer : layers_) {
    nn::Tensor normed = nn::layerNorm(plan, h, layer.norm1.gamma, layer.norm1.beta, c.layerNormEps);
    nn::Tensor q = nn::linear(plan, normed, layer.q.weight, layer.q.bias);
    nn::Tensor k = nn::linear(plan, normed, layer.k.weight, layer.k.bias);
    nn::Tensor v = nn::linear(plan, normed, layer.v.weight, layer.v.bias);
    plan.release(normed);
    nn::Tensor attended = nn::attention(plan, q, k, v, c.heads, true);
    for (const auto& t : {q, k, v}) plan.release(t);
    nn::Tensor afterAttention = nn::linear(plan, attended, layer.out.weight, layer.out.bias, nn::Activation::None, h);
    plan.release(attended);
    replace(afterAttention);

    normed = nn::layerNorm(plan, h, layer.norm2.gamma, layer.norm2.beta, c.layerNormEps);
    nn::Tensor wide = nn::linear(plan, normed, layer.fc1.weight, layer.fc1.bias, c.activation);
    plan.release(normed);
    nn::Tensor afterMlp = nn::linear(plan, wide, layer.fc2.weight, layer.fc2.bias, nn::Activation::None, h);
    plan.release(wide);
    replace(afterMlp);
  }
  nn::Tensor out = nn::layerNorm(plan, h, finalGamma_, finalBeta_, c.layerNormEps);
  if (ownsH) plan.release(h);
  return out;
}

}  // namespace afterimage::models
