// An SD-family model loaded from its folder: tokenizer, text encoder, UNet,
// tiny autoencoder and scheduler config; or, for a style-token folder, the
// style table in place of tokenizer and text encoder (a prompt is then a
// style name). Prompts are encoded once and cached; a mix of prompts is the weighted sum of their embeddings, the
// weights normalised to sum 1 ("a:0.7, b:0.3" interpolates; "a:2" alone is a).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/diffusion/scheduler_config.h"
#include "engine/models/clip_text_encoder.h"
#include "engine/models/model_folder.h"
#include "engine/models/motion_adapter.h"
#include "engine/models/style_table.h"
#include "engine/models/tiny_autoencoder.h"
#include "engine/models/unet.h"
#include "engine/text/clip_tokenizer.h"
#include "engine/text/prompt_mix.h"

namespace afterimage::models {

class DiffusionModel {
 public:
  // Throws (ModelFolderError, nn::WeightError, std::runtime_error) naming
  // the file and what is wrong.
  DiffusionModel(gpu::Context& context, const ModelFiles& files);
  ~DiffusionModel();

  const ModelFiles& files() const { return files_; }
  const UNet& unet() const { return *unet_; }
  const TinyAutoencoder& tae() const { return *tae_; }
  // The folder's temporal layers (motion_adapter/), or null.
  const MotionAdapter* motionAdapter() const { return motion_.get(); }
  // Null for a style-token model, whose styles() is set instead.
  const ClipTextEncoder* textEncoder() const { return textEncoder_.get(); }
  const StyleTable* styles() const { return styles_.get(); }
  const diffusion::SchedulerConfig& scheduler() const { return scheduler_; }
  uint32_t contextTokens() const { return styles_ ? styles_->tokens() : uint32_t(tokenizer_->maxLength()); }
  uint32_t contextDim() const { return styles_ ? styles_->dim() : textEncoder_->config().hiddenSize; }
  uint64_t parameterCount() const;

  // [contextTokens, contextDim] values of one prompt (cached). Style-token
  // models throw StyleTableError for an unknown style, listing the known ones.
  const std::vector<float>& embedPrompt(const std::string& prompt);
  // The normalised weighted sum of the parts' embeddings. Throws for a mix
  // whose weights sum to zero or less.
  std::vector<float> embedMix(const std::vector<text::WeightedPrompt>& mix);

 private:
  gpu::Context& context_;
  ModelFiles files_;
  diffusion::SchedulerConfig scheduler_;
  std::unique_ptr<text::ClipTokenizer> tokenizer_;
  std::unique_ptr<ClipTextEncoder> textEncoder_;
  std::unique_ptr<StyleTable> styles_;
  std::unique_ptr<UNet> unet_;
  std::unique_ptr<TinyAutoencoder> tae_;
  std::unique_ptr<MotionAdapter> motion_;
  std::unique_ptr<nn::Plan> textPlan_;
  nn::Tensor textInput_, textOutput_;
  std::map<std::string, std::vector<float>> embeddings_;
};

}  // namespace afterimage::models
