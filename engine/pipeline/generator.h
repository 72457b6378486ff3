// The stream image-to-image generator: one recorded plan per model, size
// and step count, replayed every frame with the conductor's GenParams.
//   inputs (noise, text context, schedule, motion, effects) copied from a
//   staging slice -> the previous latent moved (zoom/rotate/translate) and
//   its colours anchored (one pass)
//   -> noised to the frame's strength -> `steps` UNet calls -> tiny-AE decode
//   -> post effects -> RGBA8 pixels (on the device, and copied to the host).
// The final latent stays on the GPU as the next frame's previous latent.
// Two frames can be in flight: the plan is recorded in two slots, each with
// its own staging slice, device pixels and read-back slice (the second
// slot's cost), so frame N + 1 is queued on the GPU before frame N ends and
// the frame rate is the GPU's. Everything else (activations, latents, the
// anchor's, history's and bank's state) is shared: the GPU runs the two
// frames one after the other on the one queue, never side by side.
// A frame allocates no GPU memory and creates no pipelines.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/models/diffusion_model.h"
#include "engine/models/sampler_graph.h"
#include "engine/nn/feature_bank.h"
#include "engine/nn/latent_transform.h"
#include "engine/pipeline/frame_uploads.h"
#include "engine/pipeline/gen_params.h"

namespace afterimage::pipeline {

struct GeneratorOptions {
  uint32_t width = 512, height = 512;  // output picture; a multiple of the model's latent granularity
  uint32_t steps = 1;                  // UNet calls per frame, at any strength
  nn::EdgeMode edges = nn::EdgeMode::Reflect;
  bool timestamps = false;             // per-stage GPU times (UNet blocks per step, decode, ...)
  // Frames the model's temporal layers attend over (0: off); the history
  // starts afresh with the first frame, after restart() and on a scene cut
  // (GenParams::scene changes: the new scene does not attend to the old).
  uint32_t temporalWindow = 0;
  // 0: the window streams causally; L (1 .. temporalWindow - 1): it slides,
  // every frame the whole window sampled again as one clip attending both
  // ways, and the picture is L frames late (models::SamplerShape).
  uint32_t temporalLookahead = 0;
  // Frames the feature bank keeps for the UNet's self-attention (0: none),
  // attended to as much as GenParams::temporalBank says; started afresh like
  // the temporal history.
  uint32_t featureBankFrames = 0;
};

class Generator {
 public:
  // Records the plan. Throws std::invalid_argument for a size or step count
  // the model cannot take.
  Generator(gpu::Context& context, models::DiffusionModel& model, const GeneratorOptions& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // One frame: submit() then wait(). Call from one thread at a time; the
  // model's prompt cache is not shared safely between threads either.
  void frame(const GenParams& params);
  // prepare(params) then submit(): the caller may work meanwhile and wait() later.
  void submit(const GenParams& params);
  // Pipelined frames: prepare() does the host's work for the next frame
  // (noise, prompt embedding, schedule, motion, effects) into a host copy of
  // its inputs, also while frames still run on the GPU; submit() stages the
  // inputs in a free slot and queues the frame behind those in flight. With
  // both slots in flight it first waits for the older frame (as wait()).
  // wait() waits for the oldest frame in flight and makes its pixels the
  // finished ones, so frames finish in the order submitted. Submitting
  // frame N + 1 before waiting for frame N keeps the GPU busy; the frames
  // are those of submit(params) then wait() each time.
  // Where the presenter shares the queue (segmented replays, nn::Plan) a
  // frame is queued only once the one before has finished.
  // Out-of-range values are clamped (strength to [1/1000, 1], feedback and
  // seedMix to [0, 1]); the previous latent's place in the picture comes
  // from the motion. Throws when the prompts' weights sum to zero or less.
  void prepare(const GenParams& params);
  void submit();
  void wait();
  bool pending() const { return submitted_ > frames_; }
  size_t framesInFlight() const { return size_t(submitted_ - frames_); }
  static constexpr size_t kSlots = 2;  // frames in flight at most
  // The next frame starts from noise alone (as the first one does); waits
  // for the frames in flight first.
  void restart();

  uint32_t width() const { return options_.width; }
  uint32_t height() const { return options_.height; }
  // The last finished frame, RGBA8, rows top to bottom (a host copy made by
  // wait(): valid until the next wait(), later frames may run meanwhile).
  std::span<const uint8_t> pixels() const { return finishedPixels_; }
  // The same pixels on the device (4 * width * height bytes), for a
  // presenter's copy into an image: valid until the next submit().
  const gpu::BufferSlice& devicePixels() const { return pixels_[finishedSlot()]; }
  // The last frame's latent [1, C, h, w] (the next frame's previous
  // latent); read it with no frame in flight.
  const nn::Tensor& latent() const { return previous_; }
  const nn::Plan& plan() const { return *plan_; }
  // GPU time per stage of the last finished frame: "inputs", "motion", the
  // UNet's blocks for each step (with timestamps; otherwise one "sampler"),
  // "decode", "post", "readback". Readable until the next submit().
  std::vector<gpu::StageTime> stageTimes() const { return plan_->stageTimes(finishedSlot()); }
  uint64_t frameCount() const { return frames_; }
  // Frames a picture comes after the frame whose parameters made it (a
  // sliding temporal window's lookahead; post effects are not delayed).
  uint32_t latencyFrames() const { return options_.temporalLookahead; }
  VkDeviceSize temporalHistoryBytes() const { return sampler_->temporalHistoryBytes(); }
  VkDeviceSize featureBankBytes() const { return sampler_->featureBankBytes(); }

 private:
  void writeNoise(const GenParams& params);
  void writeContext(const GenParams& params);
  void writeSchedule(const GenParams& params);
  // Frame k (counted from construction) runs in slot k % kSlots.
  size_t finishedSlot() const { return frames_ ? size_t((frames_ - 1) % kSlots) : 0; }

  gpu::Context& context_;
  models::DiffusionModel& model_;
  GeneratorOptions options_;
  std::unique_ptr<nn::Plan> plan_;
  FrameUploads uploads_;
  std::unique_ptr<models::SamplerGraph> sampler_;
  nn::Tensor previous_, moved_, motion_, effects_, anchorScale_, anchorOffset_, anchorState_, anchorControl_;
  std::array<gpu::BufferSlice, kSlots> pixels_, readback_;
  size_t noiseInput_ = 0, contextInput_ = 0, coefficientsInput_ = 0, motionInput_ = 0, effectsInput_ = 0;
  size_t anchorControlInput_ = 0, temporalResetInput_ = 0, temporalMemoryInput_ = 0, featureBankInput_ = 0;
  nn::FeatureBankCursor featureBankCursor_;
  bool anchorHasReference_ = false;  // whether a finished frame's statistics are the anchor's reference
  std::vector<uint8_t> finishedPixels_;
  // The strength the prepared frame and the last submitted frame were re-noised to.
  double preparedEffective_ = 1.0, effective_ = 1.0;
  float preparedAnchor_ = 0.0f;  // GenParams::anchor of the prepared frame
  std::vector<size_t> timestepInputs_;

  // Caches: the two seeds' noise, the prompts of the context last written,
  // the last schedule's strength.
  struct SeedNoise {
    uint64_t seed = 0;
    std::vector<float> values;
  };
  std::optional<SeedNoise> noiseA_, noiseB_;
  double noiseCos_ = 1.0;
  std::vector<float> noiseMix_, noiseFresh_;
  std::optional<float> noiseMixWritten_;
  float noiseRefreshWritten_ = 0.0f;
  uint64_t freshDraws_ = 0;  // fresh noise drawn since restart()
  std::optional<std::vector<WeightedPromptRef>> promptsWritten_;
  std::optional<double> strengthWritten_;
  bool initWritten_ = false;

  std::optional<int> historyScene_;  // the scene the temporal history and the feature bank belong to
  bool preparedTextToImage_ = false;  // the last prepared frame had no previous latent
  bool hasPrevious_ = false;
  uint64_t submitted_ = 0, frames_ = 0;  // frames submitted, finished (waited for)
};

}  // namespace afterimage::pipeline
