#include "engine/models/diffusion_model.h"

#include <stdexcept>

namespace afterimage::models {

DiffusionModel::DiffusionModel(gpu::Context& context, const ModelFiles& files)
    : context_(context), files_(files), scheduler_(diffusion::SchedulerConfig::load(files.schedulerConfig)) {
  if (files.conditioning == Conditioning::StyleTokens) {
    styles_ = std::make_unique<StyleTable>(StyleTable::load(files.stylesWeights, files.stylesNames));
  } else {
    tokenizer_ = std::make_unique<text::ClipTokenizer>(text::ClipTokenizer::load(files.tokenizerDir));
    textEncoder_ = std::make_unique<ClipTextEncoder>(context, files.textEncoderConfig, files.textEncoderWeights);
  }
  unet_ = std::make_unique<UNet>(context, files.unetConfig, files.unetWeights);
  tae_ = std::make_unique<TinyAutoencoder>(context, files.taeEncoder, files.taeDecoder);
  if (!files.motionConfig.empty()) {
    motion_ = std::make_unique<MotionAdapter>(context, files.motionConfig, files.motionWeights);
    motion_->config().checkFits(unet_->config(), files.motionConfig);
  }
  if (unet_->config().crossAttentionDim != contextDim())
    throw std::runtime_error(files.unetConfig + ": cross_attention_dim " +
                             std::to_string(unet_->config().crossAttentionDim) + " does not match " +
                             (styles_ ? "the style table's width " + std::to_string(contextDim()) + " (" +
                                            files.stylesWeights + ")"
                                      : "the text encoder's hidden_size " + std::to_string(contextDim()) + " (" +
                                            files.textEncoderConfig + ")"));
  if (tae_->latentChannels() != unet_->config().inChannels)
    throw std::runtime_error(files.taeDecoder + ": the tiny autoencoder has " + std::to_string(tae_->latentChannels()) +
                             " latent channels, the UNet takes " + std::to_string(unet_->config().inChannels) +
                             " (a TAESD for SD 1.x/2.x has 4)");
  if (styles_) return;
  textPlan_ = std::make_unique<nn::Plan>(context);
  textInput_ = textPlan_->persistent({1, contextTokens(), contextDim()});
  textOutput_ = textEncoder_->forward(*textPlan_, textInput_);
  textPlan_->finalize();
}

DiffusionModel::~DiffusionModel() = default;

uint64_t DiffusionModel::parameterCount() const {
  uint64_t conditioning = styles_ ? uint64_t(styles_->names().size()) * contextTokens() * contextDim()
                                  : textEncoder_->parameterCount();
  return conditioning + unet_->parameterCount() + tae_->parameterCount() + (motion_ ? motion_->parameterCount() : 0);
}

const std::vector<float>& DiffusionModel::embedPrompt(const std::string& prompt) {
  auto it = embeddings_.find(prompt);
  if (it != embeddings_.end()) return it->second;
  if (styles_) return embeddings_[prompt] = styles_->embedding(prompt);
  nn::writeTensor(context_, textInput_, textEncoder_->embed(tokenizer_->encode(prompt)));
  textPlan_->run();
  return embeddings_[prompt] = nn::readTensor(context_, textOutput_);
}

std::vector<float> DiffusionModel::embedMix(const std::vector<text::WeightedPrompt>& mix) {
  double total = 0;
  for (const auto& part : mix) total += part.weight;
  if (mix.empty() || !(total > 0)) throw std::runtime_error("prompt mix: the weights must sum to more than zero");
  std::vector<float> sum(size_t(contextTokens()) * contextDim(), 0.0f);
  for (const auto& part : mix) {
    const auto& e = embedPrompt(part.text);
    float w = float(part.weight / total);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += w * e[i];
  }
  return sum;
}

}  // namespace afterimage::models
