#include "engine/pipeline/show.h"

#include <stdexcept>

#include "engine/models/model_folder.h"

namespace afterimage::pipeline {

Show::Show(gpu::Context& context, std::shared_ptr<const Set> set, const ShowOptions& options)
    : modelFolder_(showModelFolder(*set, options.modelDir)), options_(options), built_(set) {
  models::ModelFiles files;
  try {
    files = models::findModelFiles(modelFolder_, options.taeDir);
  } catch (const models::ModelFolderError& e) {
    throw std::runtime_error(set->file.string() + ": model \"" + set->model + "\": " + e.what());
  }
  model_ = std::make_unique<models::DiffusionModel>(context, files);
  GeneratorOptions generatorOptions;
  generatorOptions.width = options.width ? options.width : uint32_t(set->width);
  generatorOptions.height = options.height ? options.height : uint32_t(set->height);
  generatorOptions.steps = uint32_t(set->steps);
  generatorOptions.timestamps = options.timestamps;
  if (set->temporalWindow >= 2) {
    if (!model_->motionAdapter())
      throw std::runtime_error(set->file.string() + ": temporal_window " + std::to_string(set->temporalWindow) +
                               ": model \"" + set->model + "\" has no temporal layers (motion_adapter/)");
    generatorOptions.temporalWindow = uint32_t(set->temporalWindow);
    generatorOptions.temporalLookahead = uint32_t(set->temporalLookahead);
  }
  generatorOptions.featureBankFrames = uint32_t(set->temporalBankFrames);
  generator_ = std::make_unique<Generator>(context, *model_, generatorOptions);
  conductor_ = std::make_unique<Conductor>(std::move(set));
}

const GenParams& Show::frame(const audio::FeatureSnapshot& latest, double showTime) {
  prepare(latest, showTime);
  generator_->submit();
  generator_->wait();
  return params_;
}

const GenParams& Show::prepare(const audio::FeatureSnapshot& latest, double showTime) {
  conductor_->frame(latest, showTime, params_);
  generator_->prepare(params_);
  return params_;
}

std::string Show::setSet(std::shared_ptr<const Set> set) {
  std::string note;
  bool sizeFromSet = options_.width == 0 && options_.height == 0;
  if (set->modelFolder() != built_->modelFolder() || set->steps != built_->steps ||
      set->temporalWindow != built_->temporalWindow || set->temporalLookahead != built_->temporalLookahead ||
      set->temporalBankFrames != built_->temporalBankFrames ||
      (sizeFromSet && (set->width != built_->width || set->height != built_->height)))
    note = set->file.string() + ": the model, size, steps, temporal window, lookahead and feature bank frames stay as they were until the show restarts";
  conductor_->setSet(std::move(set));
  return note;
}

}  // namespace afterimage::pipeline
