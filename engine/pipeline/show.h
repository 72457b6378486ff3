// A set's show on a device: the set's model loaded, the generator recorded
// for the output size and step count, and the conductor. The offline
// renderer and live mode both run a Show: frame() is their one path from a
// feature snapshot and a show time to the picture's pixels.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "audio/feature_snapshot.h"
#include "engine/gpu/context.h"
#include "engine/models/diffusion_model.h"
#include "engine/pipeline/conductor.h"
#include "engine/pipeline/gen_params.h"
#include "engine/pipeline/generator.h"
#include "engine/pipeline/model_limits.h"
#include "engine/pipeline/set.h"

namespace afterimage::pipeline {

struct ShowOptions {
  std::string modelDir;            // overrides the set's model
  std::string taeDir;              // overrides where the tiny autoencoder is looked for
  uint32_t width = 0, height = 0;  // 0: the set's size
  bool timestamps = false;         // per-stage GPU times (Generator::stageTimes)
};

class Show {
 public:
  // Loads the model and records the generator. Throws naming the set file
  // and its model when the folder is unusable.
  Show(gpu::Context& context, std::shared_ptr<const Set> set, const ShowOptions& options = {});

  // The conductor evaluates the set for the frame shown at `showTime` from
  // the latest snapshot, and the generator renders it (waiting for the GPU).
  // The pixels are valid until the next frame(); no allocation once warm.
  const GenParams& frame(const audio::FeatureSnapshot& latest, double showTime);
  // Pipelined: the conductor evaluates the next frame and the generator
  // prepares it (Generator::prepare), also while the previous frame still
  // runs; generator().submit() then queues it behind that one, and
  // generator().wait() waits for that one. frame() is prepare(), submit()
  // and wait().
  const GenParams& prepare(const audio::FeatureSnapshot& latest, double showTime);
  std::span<const uint8_t> pixels() const { return generator_->pixels(); }

  // A new version of the set (hot reload, panel edit) for the conductor.
  // The model, size and step count stay those the show was built with;
  // returns a note saying so when the new set asks for others, else "".
  std::string setSet(std::shared_ptr<const Set> set);

  const Set& set() const { return conductor_->set(); }
  Conductor& conductor() { return *conductor_; }
  Generator& generator() { return *generator_; }
  const std::string& modelFolder() const { return modelFolder_; }

 private:
  std::string modelFolder_;
  ShowOptions options_;
  std::shared_ptr<const Set> built_;  // the set the model and generator were made for
  std::unique_ptr<models::DiffusionModel> model_;
  std::unique_ptr<Generator> generator_;
  std::unique_ptr<Conductor> conductor_;
  GenParams params_;
};

}  // namespace afterimage::pipeline
