// The CLIP / OpenCLIP text transformer (transformers CLIPTextModel) that
// conditions SD: token + position embeddings, pre-norm layers with causal
// self-attention and an MLP (GELU or QuickGELU), the final LayerNorm. Its
// last hidden state is the UNet's context (SD 2.x folders keep only the
// layers up to the penultimate one, so "last" is what the pipeline wants).
// The embedding lookup runs on the host from the memory-mapped weights: a
// prompt is encoded once and cached, never per frame.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/gpu/context.h"
#include "engine/models/weight_reader.h"
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"
#include "engine/nn/safetensors.h"
#include "engine/nn/weight_store.h"

namespace afterimage::models {

// Defaults are transformers' CLIPTextConfig defaults: saved configs omit
// fields that equal them.
struct ClipTextConfig {
  uint32_t vocabSize = 49408;
  uint32_t hiddenSize = 512;
  uint32_t intermediateSize = 2048;
  uint32_t layers = 12;
  uint32_t heads = 8;
  uint32_t maxPositions = 77;
  nn::Activation activation = nn::Activation::QuickGELU;
  float layerNormEps = 1e-5f;

  // text_encoder/config.json. Throws std::runtime_error naming file and field.
  static ClipTextConfig fromFile(const std::string& path);
};

class ClipTextEncoder {
 public:
  ClipTextEncoder(gpu::Context& context, const std::string& configPath, const std::string& weightsPath);
  // The tensors (names, stored shapes) a configuration reads.
  static std::vector<WeightReader::Requested> tensorShapes(gpu::Context& context, const ClipTextConfig& config);
  ~ClipTextEncoder();

  const ClipTextConfig& config() const { return config_; }
  uint64_t parameterCount() const { return parameters_; }

  // Token + position embeddings of `ids` (one sequence of at most
  // maxPositions tokens), f32 values [ids.size(), hidden] to write into the
  // input of forward(). Throws on an id outside the vocabulary.
  std::vector<float> embed(const std::vector<int32_t>& ids) const;
  // Adds the transformer to `plan`: embeddings [N, T, hidden] -> [N, T, hidden].
  nn::Tensor forward(nn::Plan& plan, const nn::Tensor& embeddings) const;

  struct Layer;

 private:
  ClipTextEncoder(gpu::Context& context, const ClipTextConfig& config, WeightReader& reader);
  void load(WeightReader& reader);

  gpu::Context& context_;
  ClipTextConfig config_;
  nn::WeightStore weights_;
  std::unique_ptr<nn::SafetensorsFile> file_;  // kept mapped for embed()
  std::string prefix_;                         // "text_model." or ""
  std::vector<float> positions_;               // [maxPositions, hidden]
  std::vector<Layer> layers_;
  nn::Tensor finalGamma_, finalBeta_;
  uint64_t parameters_ = 0;
};

}  // namespace afterimage::models
