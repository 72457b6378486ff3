// The few-step sampling loop, recorded once into a plan: the start latent
// from an init latent and noise, `steps` UNet evaluations each followed by
// the scheduler's update, then the tiny autoencoder's decode. Each frame
// writes the inputs and a schedule (scalars and timesteps on the GPU) and
// replays; nothing is recorded again, whatever the strength.
#pragma once
#include <memory>
#include <vector>

#include "engine/diffusion/sampling_schedule.h"
#include "engine/models/self_attention_bank.h"
#include "engine/models/temporal_clip.h"
#include "engine/models/temporal_stream.h"
#include "engine/models/tiny_autoencoder.h"
#include "engine/models/unet.h"

namespace afterimage::models {

// UNet calls a recorded sampler can make per frame: few-step models use 1
// to 4; more only adds latency. Sets and commands check against this.
constexpr uint32_t kMaxSamplerSteps = 8;

// Picture sides must be multiples of this: the tiny autoencoder's scale
// times the UNet's downsampling (each block after the first halves the
// latent, and the skip connections need the halves to come back equal).
uint32_t imageSizeMultiple(const UNetConfig& unet);

struct SamplerShape {
  uint32_t steps = 1;
  uint32_t latentHeight = 64, latentWidth = 64;
  uint32_t contextTokens = 77;
  // Classifier-free guidance: each step evaluates the UNet on a batch of two
  // (unconditional, conditional) and blends the predictions. Off for turbo
  // models (one evaluation per step).
  bool guidance = false;
  // Temporal layers streamed over this many frames, the new one included
  // (temporal_stream.h); 0: none, every frame on its own.
  uint32_t temporalWindow = 0;
  // With a temporal window: 0 streams it causally (above); L >= 1 (below
  // the window) slides it instead: every frame the whole window of the last
  // temporalWindow frames' inputs (each its moved init latent and noise) is
  // sampled again as one clip whose frames attend both ways, as the motion
  // modules were trained, at temporalWindow times the UNet's cost. The
  // picture is the window's frame L before the newest (it sees L frames
  // after it: L frames' latency); the newest frame's latent goes on as the
  // next frame's init. After a reset the window is the new frame repeated,
  // so the new picture shows at once.
  uint32_t temporalLookahead = 0;
  // Past frames whose self-attention keys and values a feature bank keeps
  // (self_attention_bank.h); 0: none.
  uint32_t featureBankFrames = 0;
};

// Tensors a caller supplies instead of the graph's own persistent ones, e.g.
// a stream generator's moved previous latent as the init and its carried
// state as the final latent. Empty ones are allocated by the graph.
struct SamplerTensors {
  nn::Tensor initLatent, latent;
};

// The schedule as the values of the graph's coefficient and timestep tensors.
struct ScheduleValues {
  std::vector<float> coefficients, timesteps;
};

class SamplerGraph {
 public:
  // Adds the loop to `plan` (finalize it afterwards). With timestamps, the
  // UNet's blocks and the decode are timed.
  // shape.temporalWindow needs `motion` (and no guidance).
  SamplerGraph(nn::Plan& plan, const UNet& unet, const TinyAutoencoder& tae, const SamplerShape& shape,
               bool timestamps = false, const SamplerTensors& given = {}, const MotionAdapter* motion = nullptr);
  ~SamplerGraph();

  // Inputs, written before each run: [1, C, h, w] f16, and [1, T, D] f16
  // ([2, T, D] with guidance: the unconditional context first; [W, T, D]
  // with a sliding window of W frames: the same text for each).
  const nn::Tensor& initLatent() const { return initLatent_; }
  const nn::Tensor& noise() const { return noise_; }
  const nn::Tensor& context() const { return context_; }
  // Outputs: the final latent (persistent: the next frame's init) and the
  // decoded image [1, 3, 8h, 8w] in [0, 1] (not clamped); with a sliding
  // window, the newest frame's latent and the picture L frames before it.
  const nn::Tensor& latent() const { return latent_; }
  // The latent image() decodes: latent(), or a sliding window's frame L
  // before the newest (persistent).
  const nn::Tensor& pictureLatent() const { return pictureLatent_; }
  const nn::Tensor& image() const { return image_; }
  const SamplerShape& shape() const { return shape_; }
  // Items of each UNet call: 2 with guidance, the window's frames when it
  // slides, else 1 (timesteps() and context() hold one per item).
  uint32_t batch() const;

  // Writes the schedule's scalars and timesteps (and the guidance scale, for
  // a graph with guidance). Throws std::invalid_argument when its step count
  // is not the graph's.
  void setSchedule(gpu::Context& context, const diffusion::SamplingSchedule& schedule,
                   float guidanceScale = 1.0f) const;
  // What setSchedule writes, for callers that upload the inputs themselves:
  // coefficients() gets .coefficients; timesteps()[i] gets .timesteps[i],
  // once per batch item (twice with guidance).
  ScheduleValues scheduleValues(const diffusion::SamplingSchedule& schedule, float guidanceScale = 1.0f) const;
  const nn::Tensor& coefficients() const { return coefficients_; }
  // With temporal layers: f32 [1], 1 on a frame that starts their history
  // afresh (the first, a cut), else 0; invalid without them.
  const nn::Tensor& temporalReset() const { return temporalReset_; }
  // With temporal layers: f32 [1], 0..1, how much each frame attends to
  // the past ones beside itself (1: as the model was trained; 0: to itself
  // alone), written each frame; invalid without them.
  const nn::Tensor& temporalMemory() const { return temporalMemory_; }
  // The temporal layers' kept frames, all steps (fixed when recorded); for
  // a sliding window its kept inputs.
  VkDeviceSize temporalHistoryBytes() const;
  // With a feature bank: its state, f32 [4] (nn::FeatureBankCursor), written
  // each frame; invalid without one.
  const nn::Tensor& featureBankState() const { return featureBankState_; }
  // The feature banks' kept keys and values, all steps (fixed when recorded).
  VkDeviceSize featureBankBytes() const;
  const std::vector<nn::Tensor>& timesteps() const { return timesteps_; }

 private:
  SamplerShape shape_;
  nn::Tensor initLatent_, noise_, context_, latent_, pictureLatent_, image_;
  // f32: initScale, noiseScale; per step inputScale, next from x, next from
  // the prediction; then the guidance weights (unconditional, conditional).
  nn::Tensor coefficients_;
  std::vector<nn::Tensor> timesteps_;  // f32 [batch] per step
  nn::Tensor temporalReset_, temporalMemory_;
  std::vector<std::unique_ptr<TemporalStream>> streams_;  // one per step: each keeps its own history
  std::unique_ptr<TemporalClip> clip_;                    // a sliding window's temporal layers (all steps)
  nn::Tensor initHistory_, noiseHistory_;                 // a sliding window's inputs, [W - 1, C, h, w] each
  nn::Tensor featureBankState_;
  std::vector<std::unique_ptr<SelfAttentionBank>> banks_;  // one per step
};

}  // namespace afterimage::models
