#include "engine/pipeline/generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/diffusion/sampling_schedule.h"
#include "engine/diffusion/seeded_noise.h"
#include "engine/gpu/gpu_error.h"
#include "engine/nn/channel_anchor.h"
#include "engine/pipeline/post_effects.h"

namespace afterimage::pipeline {
namespace {

constexpr float kMinStrength = 1e-3f;  // one of the 1000 training timesteps
// A frame re-noised at least this far is a new picture: its colours become the anchor's reference.
constexpr double kAnchorFreshStrength = 0.5;
constexpr uint64_t kFreshNoiseSeed = 0x5eedf5e5u;  // + frame number: GenParams::noiseRefresh

float clampOr(float value, float low, float high, float fallback) {
  return std::isfinite(value) ? std::clamp(value, low, high) : fallback;
}

bool samePrompts(const std::vector<WeightedPromptRef>& a, const std::vector<WeightedPromptRef>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.text == y.text && x.weight == y.weight; });
}

}  // namespace

Generator::Generator(gpu::Context& context, models::DiffusionModel& model, const GeneratorOptions& options) try
    : context_(context), model_(model), options_(options), plan_(std::make_unique<nn::Plan>(context, kSlots)),
      featureBankCursor_(std::max(1u, options.featureBankFrames)) {
  const auto& unet = model.unet().config();
  uint32_t multiple = models::imageSizeMultiple(unet);
  if (options.width == 0 || options.height == 0 || options.width % multiple || options.height % multiple)
    throw std::invalid_argument("generator: the size " + std::to_string(options.width) + "x" +
                                std::to_string(options.height) + " must be a positive multiple of " +
                                std::to_string(multiple) + " for this model");
  models::SamplerShape shape{options.steps, options.height / models::TinyAutoencoder::kScale,
                             options.width / models::TinyAutoencoder::kScale, model.contextTokens()};
  shape.temporalWindow = options.temporalWindow;
  shape.temporalLookahead = options.temporalLookahead;
  shape.featureBankFrames = options.featureBankFrames;
  nn::Shape latentShape{1, unet.inChannels, shape.latentHeight, shape.latentWidth};
  nn::Plan& plan = *plan_;
  previous_ = plan.persistent(latentShape);
  moved_ = plan.persistent(latentShape);
  motion_ = plan.persistent({6}, nn::DType::F32);
  effects_ = plan.persistent({kPostEffectValues}, nn::DType::F32);

  // The copies come first in the plan but include the sampler's inputs,
  // which exist once it is built: the step reads its list at finalize.
  uploads_.addCopyStep(plan);
  plan.mark("inputs");
  anchorScale_ = plan.persistent({1, unet.inChannels, 1, 1});
  anchorOffset_ = plan.persistent({1, unet.inChannels, 1, 1});
  anchorState_ = plan.persistent(nn::channelAnchorStateShape(unet.inChannels), nn::DType::F32);
  anchorControl_ = plan.persistent({2}, nn::DType::F32);
  nn::channelAnchor(plan, previous_, anchorState_, anchorControl_, {anchorScale_, anchorOffset_});
  nn::latentTransform(plan, previous_, motion_, 0, options.edges, moved_, {anchorScale_, anchorOffset_});
  plan.mark("motion");
  sampler_ = std::make_unique<models::SamplerGraph>(plan, model.unet(), model.tae(), shape, options.timestamps,
                                                    models::SamplerTensors{moved_, previous_},
                                                    model.motionAdapter());
  if (!options.timestamps) plan.mark("sampler");
  for (size_t slot = 0; slot < kSlots; ++slot) {
    pixels_[slot] = plan.buffer(VkDeviceSize(options.width) * options.height * 4);
    readback_[slot] = plan.buffer(pixels_[slot].size, gpu::MemoryKind::Staging);
  }
  postEffects(plan, sampler_->image(), effects_, 0, pixels_);
  plan.mark("post");
  plan.addSlotStep([this](gpu::CommandSequence& sequence, size_t slot) {
    sequence.copy(pixels_[slot], readback_[slot], pixels_[slot].size);
  });
  plan.mark("readback");

  noiseInput_ = uploads_.add(sampler_->noise());
  noiseFresh_.resize(previous_.elements());
  contextInput_ = uploads_.add(sampler_->context());
  coefficientsInput_ = uploads_.add(sampler_->coefficients());
  for (const auto& t : sampler_->timesteps()) timestepInputs_.push_back(uploads_.add(t));
  motionInput_ = uploads_.add(motion_);
  anchorControlInput_ = uploads_.add(anchorControl_);
  finishedPixels_.resize(pixels_[0].size);
  effectsInput_ = uploads_.add(effects_);
  if (options.temporalWindow) {
    temporalResetInput_ = uploads_.add(sampler_->temporalReset());
    temporalMemoryInput_ = uploads_.add(sampler_->temporalMemory());
  }
  if (options.featureBankFrames) featureBankInput_ = uploads_.add(sampler_->featureBankState());
  uploads_.allocate();
  plan.finalize();
  nn::writeTensor(context, previous_, std::vector<float>(previous_.elements(), 0.0f));
} catch (const gpu::OutOfGpuMemory& e) {
  // Refused before any frame runs: say which request did not fit where.
  throw gpu::OutOfGpuMemory("generating " + std::to_string(options.width) + "x" + std::to_string(options.height) +
                            " with " + std::to_string(options.steps) + " step(s) on '" + context.info().name +
                            "': " + e.what());
}

Generator::~Generator() {
  plan_.reset();  // waits for the frames in flight, without throwing (live mode keeps some); frees the pixels
}

void Generator::frame(const GenParams& params) {
  submit(params);
  wait();
}

void Generator::submit(const GenParams& params) {
  prepare(params);
  submit();
}

void Generator::prepare(const GenParams& params) {
  writeNoise(params);
  writeContext(params);
  writeSchedule(params);
  nn::Motion motion{clampOr(params.zoom, 1e-3f, 1e3f, 1.0f), clampOr(params.rotate, -1e3f, 1e3f, 0.0f),
                    clampOr(params.translateX, -1e3f, 1e3f, 0.0f), clampOr(params.translateY, -1e3f, 1e3f, 0.0f)};
  auto matrix = nn::motionMatrix(motion, previous_.dim(3), previous_.dim(2));
  uploads_.write(motionInput_, matrix);
  auto effects = postEffectValues(postEffectsOf(params));
  uploads_.write(effectsInput_, effects);
  preparedAnchor_ = clampOr(params.anchor, 0.0f, 1.0f, 0.0f);
  bool cut = !hasPrevious_ || historyScene_ != params.scene;
  historyScene_ = params.scene;
  if (options_.temporalWindow) {
    // A sliding window samples its kept inputs again as img2img, but a text
    // to image frame (the first, one after restart()) had no init latent:
    // its window starts again at the frame after it, the first with one.
    bool slidingAfterTextToImage = options_.temporalLookahead && preparedTextToImage_;
    float reset = cut || slidingAfterTextToImage ? 1.0f : 0.0f;
    float memory = clampOr(params.temporalMemory, 0.0f, 1.0f, 1.0f);
    uploads_.write(temporalResetInput_, std::span<const float>(&reset, 1));
    uploads_.write(temporalMemoryInput_, std::span<const float>(&memory, 1));
  }
  if (options_.featureBankFrames) uploads_.write(featureBankInput_, featureBankCursor_.next(params.temporalBank, cut));
  preparedTextToImage_ = !hasPrevious_;
}

void Generator::submit() {
  if (framesInFlight() == kSlots) wait();  // the oldest frame holds this one's slot
  const size_t slot = size_t(submitted_ % kSlots);
  // The anchor measures the frame before this one on the GPU, as this one
  // starts; its statistics become the reference where it was a fresh
  // picture (or the first since a restart). That frame's strength is known
  // here, whether it has finished or not.
  const bool takeReference = hasPrevious_ && (effective_ >= kAnchorFreshStrength || !anchorHasReference_);
  anchorHasReference_ = anchorHasReference_ || takeReference;
  const float control[2] = {hasPrevious_ ? preparedAnchor_ : 0.0f, takeReference ? 1.0f : 0.0f};
  uploads_.write(anchorControlInput_, std::span<const float>(control, 2));
  uploads_.flush(slot);
  plan_->submit(slot);
  ++submitted_;
  effective_ = preparedEffective_;
  hasPrevious_ = true;  // the next prepared frame follows this one
}

void Generator::wait() {
  if (!pending()) return;
  const size_t slot = size_t(frames_ % kSlots);
  plan_->wait(slot);
  const auto* pixels = reinterpret_cast<const uint8_t*>(readback_[slot].mapped);
  std::copy(pixels, pixels + finishedPixels_.size(), finishedPixels_.begin());
  ++frames_;
}

void Generator::restart() {
  while (pending()) wait();
  hasPrevious_ = false, freshDraws_ = 0, anchorHasReference_ = false;
}

void Generator::writeNoise(const GenParams& params) {
  // Seeds walk (A, B) -> (B, C): keep whichever noise is still wanted.
  auto noiseOf = [&](uint64_t seed) {
    for (auto* cached : {&noiseA_, &noiseB_})
      if (*cached && (*cached)->seed == seed) return **cached;
    return SeedNoise{seed, diffusion::gaussianNoise(seed, previous_.elements())};
  };
  bool seedsChanged = !noiseA_ || noiseA_->seed != params.seedA || noiseB_->seed != params.seedB;
  if (seedsChanged) {
    auto a = noiseOf(params.seedA), b = noiseOf(params.seedB);
    noiseA_ = std::move(a), noiseB_ = std::move(b);
    double dot = 0, normA = 0, normB = 0;
    const auto &x = noiseA_->values, &y = noiseB_->values;
    for (size_t i = 0; i < x.size(); ++i) {
      dot += double(x[i]) * y[i];
      normA += double(x[i]) * x[i];
      normB += double(y[i]) * y[i];
    }
    noiseCos_ = normA > 0 && normB > 0 ? dot / std::sqrt(normA * normB) : 1.0;
    noiseMix_.resize(x.size());
  }
  float mix = clampOr(params.seedMix, 0.0f, 1.0f, 0.0f);
  float refresh = clampOr(params.noiseRefresh, 0.0f, 1.0f, 0.0f);
  if (!seedsChanged && noiseMixWritten_ == mix && refresh == 0.0f && noiseRefreshWritten_ == 0.0f) return;
  auto weights = diffusion::slerpWeights(noiseCos_, mix);
  const auto &x = noiseA_->values, &y = noiseB_->values;
  for (size_t i = 0; i < x.size(); ++i) noiseMix_[i] = float(weights.a * x[i] + weights.b * y[i]);
  if (refresh > 0.0f) {
    // Independent of the walk, one draw per frame, counted from restart() (renders stay reproducible);
    // variances add, so the mix stays unit-variance noise.
    diffusion::fillGaussianNoise(kFreshNoiseSeed + freshDraws_++, noiseFresh_);
    float keep = std::sqrt(1.0f - refresh), fresh = std::sqrt(refresh);
    for (size_t i = 0; i < x.size(); ++i) noiseMix_[i] = keep * noiseMix_[i] + fresh * noiseFresh_[i];
  }
  uploads_.write(noiseInput_, noiseMix_);
  noiseMixWritten_ = mix;
  noiseRefreshWritten_ = refresh;
}

void Generator::writeContext(const GenParams& params) {
  if (promptsWritten_ && samePrompts(*promptsWritten_, params.prompts)) return;
  std::vector<text::WeightedPrompt> mix;
  for (const auto& p : params.prompts) mix.push_back({p.text, p.weight});
  if (mix.empty()) mix.push_back({"", 1.0f});
  std::vector<float> context = model_.embedMix(mix);
  // One copy per item of the UNet call (a sliding window's frames).
  size_t rowValues = context.size();
  context.resize(rowValues * sampler_->batch());
  for (size_t row = 1; row < sampler_->batch(); ++row)
    std::copy_n(context.begin(), rowValues, context.begin() + row * rowValues);
  uploads_.write(contextInput_, context);
  promptsWritten_ = params.prompts;
}

void Generator::writeSchedule(const GenParams& params) {
  // Feedback f keeps a share of the previous picture: the start latent is
  // noised to 1 - f (1 - strength), so f = 1 is the strength asked for and
  // f = 0 a fresh picture from noise (strength 1). The first frame (and one
  // after restart()) has no previous picture: its init scale is 0, text to
  // image.
  float strength = clampOr(params.strength, kMinStrength, 1.0f, 1.0f);
  float feedback = clampOr(params.feedback, 0.0f, 1.0f, 1.0f);
  double effective = hasPrevious_ ? 1.0 - double(feedback) * (1.0 - strength) : 1.0;
  preparedEffective_ = effective;
  if (strengthWritten_ == effective && initWritten_ == hasPrevious_) return;
  auto schedule = diffusion::streamSchedule(model_.scheduler(), int(options_.steps), effective);
  if (!hasPrevious_) schedule.initScale = 0.0f;
  auto values = sampler_->scheduleValues(schedule);
  uploads_.write(coefficientsInput_, values.coefficients);
  for (size_t i = 0; i < timestepInputs_.size(); ++i)
    uploads_.write(timestepInputs_[i], std::vector<float>(sampler_->batch(), values.timesteps[i]));
  strengthWritten_ = effective;
  initWritten_ = hasPrevious_;
}

}  // namespace afterimage::pipeline
