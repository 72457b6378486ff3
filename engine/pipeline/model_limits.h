// What a set may ask of its model, read from the model folder without a
// device: the styles a style-token model knows (its prompts are style
// names), the multiple the picture's sides must be, and the steps the
// sampler records. Sets are checked against it when they load and on every
// hot reload (set_file.h, set_watcher.h): a scene naming a style the model
// lacks is refused with the file's line, instead of failing every frame
// once the show reaches that scene.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/models/sampler_graph.h"
#include "engine/pipeline/set.h"

namespace afterimage::pipeline {

struct ModelLimits {
  std::string folder;
  // Style-token models: the names a prompt may use. Text-encoder models
  // take any (non-blank) text and leave this empty.
  std::optional<std::vector<std::string>> styles;
  int sizeMultiple = 8;
  int maxSteps = int(models::kMaxSamplerSteps);
  int maxTemporalWindow = 0;  // 0: the model has no temporal layers
  bool selfAttention = true;  // the UNet has transformer blocks (a feature bank extends their self-attention)
};

// Throws models::ModelFolderError (or the config reader's error) naming the
// file and what is missing; taeDir as in models::findModelFiles.
ModelLimits readModelLimits(const std::string& folder, const std::string& taeDir = "");

// The folder the set's model lives in: the override, the project's default
// model, or the set's folder resolved against the set file.
std::string showModelFolder(const Set& set, const std::string& modelDirOverride = "");

// One thing a set asks that its model cannot do: the field as the set file
// spells it ("scene[2].prompt", "size") and what is wrong.
struct SetProblem {
  std::string field, message;
};
std::vector<SetProblem> checkSetOnModel(const Set& set, const ModelLimits& limits);
// What is wrong with one prompt mix on the model (a blank part, a style it
// lacks with the closest name, weights that sum to 0 or less); empty if none.
std::vector<std::string> checkPromptsOnModel(const std::vector<ScenePrompt>& prompts, const ModelLimits& limits);

// How the set loader finds the model a set is checked against.
using ModelLimitsFor = std::function<ModelLimits(const Set&)>;
// Each set's own model, or the override folder when not empty (render).
ModelLimitsFor limitsOfSetModel(std::string modelDirOverride = "", std::string taeDir = "");
// The model of the first set looked up, for it and every later one: a live
// show keeps the model it started with through hot reloads, so an edited
// set must fit that one.
ModelLimitsFor limitsOfFirstSetModel(std::string modelDirOverride = "", std::string taeDir = "");

}  // namespace afterimage::pipeline
