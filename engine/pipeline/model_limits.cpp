#include "engine/pipeline/model_limits.h"

#include <algorithm>
#include <memory>

#include "engine/models/model_folder.h"
#include "engine/models/motion_adapter_config.h"
#include "engine/nn/temporal_attention.h"
#include "engine/models/style_table.h"
#include "engine/models/unet_config.h"
#include "engine/pipeline/default_model.h"
#include "engine/pipeline/name_suggestion.h"

namespace afterimage::pipeline {
ModelLimits readModelLimits(const std::string& folder, const std::string& taeDir) {
  models::ModelFiles files = models::findModelFiles(folder, taeDir);
  ModelLimits limits;
  limits.folder = folder;
  auto unet = models::UNetConfig::fromFile(files.unetConfig);
  limits.sizeMultiple = int(models::imageSizeMultiple(unet));
  limits.selfAttention = unet.midBlock || std::find(unet.downCrossAttention.begin(), unet.downCrossAttention.end(),
                                                    true) != unet.downCrossAttention.end();
  if (files.conditioning == models::Conditioning::StyleTokens) limits.styles = models::readStyleNames(files.stylesNames);
  if (!files.motionConfig.empty())
    limits.maxTemporalWindow = int(std::min(models::MotionAdapterConfig::fromFile(files.motionConfig).maxFrames,
                                            nn::kTemporalAttentionMaxFrames));
  return limits;
}

std::string showModelFolder(const Set& set, const std::string& modelDirOverride) {
  if (!modelDirOverride.empty()) return modelDirOverride;
  return set.usesDefaultModel() ? defaultModelFolder() : set.modelFolder().string();
}

std::vector<std::string> checkPromptsOnModel(const std::vector<ScenePrompt>& prompts, const ModelLimits& limits) {
  std::vector<std::string> problems;
  double total = 0;
  for (size_t i = 0; i < prompts.size(); ++i) {
    total += prompts[i].weight;
    std::string part = prompts.size() > 1 ? " (part " + std::to_string(i + 1) + " of the mix)" : "";
    std::string text = models::styleNameOf(prompts[i].text);
    if (text.empty()) {
      problems.push_back("empty prompt" + part);
      continue;
    }
    if (!limits.styles) continue;  // a text encoder reads any text
    const auto& styles = *limits.styles;
    if (std::find(styles.begin(), styles.end(), text) != styles.end()) continue;
    std::string known;
    for (const auto& s : styles) known += (known.empty() ? "" : ", ") + s;
    problems.push_back("the model (" + limits.folder + ") has no style '" + text + "'" + part +
                       suggestion(text, styles) + "; it knows: " + known);
  }
  // The generator blends the parts with weights normalised to sum 1.
  if (!prompts.empty() && !(total > 0)) problems.push_back("the prompt weights must sum to more than 0");
  return problems;
}

std::vector<SetProblem> checkSetOnModel(const Set& set, const ModelLimits& limits) {
  std::vector<SetProblem> problems;
  if (set.steps < 1 || set.steps > limits.maxSteps)
    problems.push_back({"steps", std::to_string(set.steps) + " steps: the sampler takes 1 to " +
                                     std::to_string(limits.maxSteps)});
  if (set.temporalWindow >= 2 && set.temporalWindow > limits.maxTemporalWindow)
    problems.push_back({"temporal_window",
                        limits.maxTemporalWindow == 0
                            ? "the model (" + limits.folder + ") has no temporal layers (motion_adapter/)"
                            : std::to_string(set.temporalWindow) + " frames: the model's temporal layers take 2 to " +
                                  std::to_string(limits.maxTemporalWindow)});
  if (set.temporalBankFrames > 0 && !limits.selfAttention)
    problems.push_back({"temporal_bank_frames",
                        "the model (" + limits.folder + ") has no attention layers for a feature bank to extend"});
  int m = limits.sizeMultiple;
  if (set.width % m || set.height % m)
    problems.push_back({"size", std::to_string(set.width) + "x" + std::to_string(set.height) +
                                    ": each side must be a multiple of " + std::to_string(m) + " for the model (" +
                                    limits.folder + "), e.g. " + std::to_string(std::max(m, set.width / m * m)) + "x" +
                                    std::to_string(std::max(m, set.height / m * m))});
  for (size_t i = 0; i < set.scenes.size(); ++i)
    for (std::string& message : checkPromptsOnModel(set.scenes[i].prompts, limits))
      problems.push_back({"scene[" + std::to_string(i) + "].prompt", std::move(message)});
  return problems;
}

ModelLimitsFor limitsOfSetModel(std::string modelDirOverride, std::string taeDir) {
  return [modelDirOverride, taeDir](const Set& set) {
    return readModelLimits(showModelFolder(set, modelDirOverride), taeDir);
  };
}

ModelLimitsFor limitsOfFirstSetModel(std::string modelDirOverride, std::string taeDir) {
  auto first = std::make_shared<std::optional<ModelLimits>>();
  return [first, modelDirOverride, taeDir](const Set& set) {
    if (!*first) *first = readModelLimits(showModelFolder(set, modelDirOverride), taeDir);
    return **first;
  };
}

}  // namespace afterimage::pipeline
