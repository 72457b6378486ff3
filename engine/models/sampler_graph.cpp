#include "engine/models/sampler_graph.h"

#include <stdexcept>
#include <string>

#include "engine/diffusion/guidance.h"
#include "engine/nn/copy_rows.h"
#include "engine/nn/feature_bank.h"
#include "engine/nn/temporal_window.h"
#include "engine/nn/weighted_sum.h"

namespace afterimage::models {
namespace {

constexpr uint32_t kStartCoefficients = 2, kStepCoefficients = 3;

}  // namespace

uint32_t imageSizeMultiple(const UNetConfig& unet) {
  return TinyAutoencoder::kScale << (unet.blockOutChannels.empty() ? 0 : unet.blockOutChannels.size() - 1);
}

SamplerGraph::SamplerGraph(nn::Plan& plan, const UNet& unet, const TinyAutoencoder& tae, const SamplerShape& shape,
                           bool timestamps, const SamplerTensors& given, const MotionAdapter* motion)
    : shape_(shape) {
  if (shape.steps < 1 || shape.steps > kMaxSamplerSteps)
    throw std::invalid_argument("sampler: 1 to " + std::to_string(kMaxSamplerSteps) + " steps");
  uint32_t channels = unet.config().inChannels;
  if (tae.latentChannels() != channels)
    throw std::invalid_argument("sampler: the tiny autoencoder has " + std::to_string(tae.latentChannels()) +
                                " latent channels, the UNet " + std::to_string(channels));
  nn::Shape latentShape{1, channels, shape.latentHeight, shape.latentWidth};
  for (const auto* t : {&given.initLatent, &given.latent})
    if (t->valid() && (t->shape() != latentShape || t->dtype() != nn::DType::F16))
      throw std::invalid_argument("sampler: a given latent is " + nn::toString(t->shape()) + ", expected f16 " +
                                  nn::toString(latentShape));
  if (shape.temporalWindow && (!motion || shape.guidance))
    throw std::invalid_argument(motion ? "sampler: temporal layers stream one frame a call, without guidance"
                                       : "sampler: a temporal window needs the model's motion_adapter/");
  const bool sliding = shape.temporalLookahead > 0;
  if (sliding && shape.temporalLookahead >= shape.temporalWindow)
    throw std::invalid_argument("sampler: a lookahead of " + std::to_string(shape.temporalLookahead) +
                                " frames needs a temporal window of more frames (it has " +
                                std::to_string(shape.temporalWindow) + ")");
  if (sliding && shape.featureBankFrames)
    throw std::invalid_argument("sampler: a sliding temporal window and a feature bank do not go together");
  const uint32_t batch = this->batch();
  if (shape.temporalWindow) {
    temporalReset_ = plan.persistent({1}, nn::DType::F32);
    temporalMemory_ = plan.persistent({1}, nn::DType::F32);
  }
  if (shape.featureBankFrames) featureBankState_ = plan.persistent({nn::kFeatureBankStateValues}, nn::DType::F32);
  initLatent_ = given.initLatent.valid() ? given.initLatent : plan.persistent(latentShape);
  noise_ = plan.persistent(latentShape);
  context_ = plan.persistent({batch, shape.contextTokens, unet.config().crossAttentionDim});
  latent_ = given.latent.valid() ? given.latent : plan.persistent(latentShape);
  uint32_t guidanceBase = kStartCoefficients + kStepCoefficients * shape.steps;
  coefficients_ = plan.persistent({guidanceBase + 2}, nn::DType::F32);
  for (uint32_t i = 0; i < shape.steps; ++i) timesteps_.push_back(plan.persistent({batch}, nn::DType::F32));

  nn::Tensor x;
  if (sliding) {
    // The window's inputs: those kept plus the new frame's, then the newest
    // W - 1 kept for the next frame.
    nn::Shape historyShape = latentShape;
    historyShape[0] = shape.temporalWindow - 1;
    initHistory_ = plan.persistent(historyShape);
    noiseHistory_ = plan.persistent(historyShape);
    nn::Tensor inits = nn::temporalWindow(plan, initHistory_, initLatent_, temporalReset_);
    nn::Tensor noises = nn::temporalWindow(plan, noiseHistory_, noise_, temporalReset_);
    nn::copyRowsInto(plan, inits, 1, initHistory_);
    nn::copyRowsInto(plan, noises, 1, noiseHistory_);
    x = nn::weightedSum(plan, {inits, noises}, coefficients_, 0);
    plan.release(inits);
    plan.release(noises);
    clip_ = std::make_unique<TemporalClip>(*motion, temporalMemory_);
  } else {
    x = nn::weightedSum(plan, {initLatent_, noise_}, coefficients_, 0);
  }
  for (uint32_t i = 0; i < shape.steps; ++i) {
    uint32_t base = kStartCoefficients + kStepCoefficients * i;
    nn::Tensor input = plan.allocate({batch, channels, shape.latentHeight, shape.latentWidth});
    if (shape.guidance)
      for (uint32_t b = 0; b < batch; ++b) nn::weightedSum(plan, {x}, coefficients_, base, input.batchItem(b));
    else
      nn::weightedSum(plan, {x}, coefficients_, base, input);
    if (shape.temporalWindow && !sliding)
      streams_.push_back(
          std::make_unique<TemporalStream>(*motion, shape.temporalWindow, temporalReset_, temporalMemory_));
    if (shape.featureBankFrames)
      banks_.push_back(std::make_unique<SelfAttentionBank>(shape.featureBankFrames, featureBankState_));
    UNetLayerHook* temporal = clip_ ? static_cast<UNetLayerHook*>(clip_.get())
                                    : streams_.empty() ? nullptr : streams_.back().get();
    nn::Tensor output = unet.forward(plan, input, timesteps_[i], context_, timestamps, temporal,
                                     banks_.empty() ? nullptr : banks_.back().get());
    plan.release(input);
    if (shape.guidance) {
      nn::Tensor guided = nn::weightedSum(plan, {output.batchItem(0), output.batchItem(1)}, coefficients_, guidanceBase);
      plan.release(output);
      output = guided;
    }
    bool last = i + 1 == shape.steps && !sliding;
    nn::Tensor next = nn::weightedSum(plan, {x, output}, coefficients_, base + 1, last ? latent_ : nn::Tensor{});
    plan.release(x);
    plan.release(output);
    x = next;
  }
  pictureLatent_ = latent_;
  if (sliding) {
    nn::copyRowsInto(plan, x, shape.temporalWindow - 1, latent_);
    pictureLatent_ = plan.persistent(latentShape);
    nn::copyRowsInto(plan, x, shape.temporalWindow - 1 - shape.temporalLookahead, pictureLatent_);
    plan.release(x);
  }
  image_ = tae.decode(plan, pictureLatent_);
  if (timestamps) plan.mark("decode");
}

SamplerGraph::~SamplerGraph() = default;

uint32_t SamplerGraph::batch() const {
  return shape_.guidance ? 2 : shape_.temporalLookahead ? shape_.temporalWindow : 1;
}

VkDeviceSize SamplerGraph::temporalHistoryBytes() const {
  VkDeviceSize bytes = initHistory_.valid() ? initHistory_.bytes() + noiseHistory_.bytes() : 0;
  for (const auto& stream : streams_) bytes += stream->historyBytes();
  return bytes;
}

VkDeviceSize SamplerGraph::featureBankBytes() const {
  VkDeviceSize bytes = 0;
  for (const auto& bank : banks_) bytes += bank->bytes();
  return bytes;
}

ScheduleValues SamplerGraph::scheduleValues(const diffusion::SamplingSchedule& schedule, float guidanceScale) const {
  if (schedule.steps.size() != shape_.steps)
    throw std::invalid_argument("sampler: schedule has " + std::to_string(schedule.steps.size()) +
                                " steps, the recorded graph " + std::to_string(shape_.steps));
  ScheduleValues values;
  values.coefficients = {schedule.initScale, schedule.noiseScale};
  for (const auto& step : schedule.steps) {
    values.coefficients.insert(values.coefficients.end(),
                               {step.inputScale, step.nextFromSample, step.nextFromOutput});
    values.timesteps.push_back(step.timestep);
  }
  auto weights = diffusion::guidanceWeights(guidanceScale);
  values.coefficients.insert(values.coefficients.end(), {weights.uncond, weights.cond});
  return values;
}

void SamplerGraph::setSchedule(gpu::Context& context, const diffusion::SamplingSchedule& schedule,
                               float guidanceScale) const {
  auto values = scheduleValues(schedule, guidanceScale);
  uint32_t batch = this->batch();
  for (size_t i = 0; i < values.timesteps.size(); ++i)
    nn::writeTensor(context, timesteps_[i], std::vector<float>(batch, values.timesteps[i]));
  nn::writeTensor(context, coefficients_, values.coefficients);
}

}  // namespace afterimage::models
