#include "engine/models/sampler_graph.h"

#include <stdexcept>
#include <string>

#include "engine/nn/weighted_sum.h"

namespace afterimage::models {
namespace {

constexpr uint32_t kStartCoefficients = 2, kStepCoefficients = 3;

}  // namespace

SamplerGraph::SamplerGraph(nn::Plan& plan, const UNet& unet, const TinyAutoencoder& tae, const SamplerShape& shape,
                           bool timestamps, const SamplerTensors& given)
    : shape_(shape) {
  if (shape.steps < 1 || shape.steps > 8) throw std::invalid_argument("sampler: 1 to 8 steps");
  uint32_t channels = unet.config().inChannels;
  if (tae.latentChannels() != channels)
    throw std::invalid_argument("sampler: the tiny autoencoder has " + std::to_string(tae.latentChannels()) +
                                " latent channels, the UNet " + std::to_string(channels));
  nn::Shape latentShape{1, channels, shape.latentHeight, shape.latentWidth};
  for (const auto* t : {&given.initLatent, &given.latent})
    if (t->valid() && (t->shape() != latentShape || t->dtype() != nn::DType::F16))
      throw std::invalid_argument("sampler: a given latent is " + nn::toString(t->shape()) + ", expected f16 " +
                                  nn::toString(latentShape));
  initLatent_ = given.initLatent.valid() ? given.initLatent : plan.persistent(latentShape);
  noise_ = plan.persistent(latentShape);
  context_ = plan.persistent({1, shape.contextTokens, unet.config().crossAttentionDim});
  latent_ = given.latent.valid() ? given.latent : plan.persistent(latentShape);
  coefficients_ = plan.persistent({kStartCoefficients + kStepCoefficients * shape.steps}, nn::DType::F32);
  for (uint32_t i = 0; i < shape.steps; ++i) timesteps_.push_back(plan.persistent({1}, nn::DType::F32));

  nn::Tensor x = nn::weightedSum(plan, {initLatent_, noise_}, coefficients_, 0);
  for (uint32_t i = 0; i < shape.steps; ++i) {
    uint32_t base = kStartCoefficients + kStepCoefficients * i;
    nn::Tensor input = nn::weightedSum(plan, {x}, coefficients_, base);
    nn::Tensor output = unet.forward(plan, input, timesteps_[i], context_, timestamps);
    plan.release(input);
    bool last = i + 1 == shape.steps;
    nn::Tensor next = nn::weightedSum(plan, {x, output}, coefficients_, base + 1, last ? latent_ : nn::Tensor{});
    plan.release(x);
    plan.release(output);
    x = next;
  }
  image_ = tae.decode(plan, latent_);
  if (timestamps) plan.mark("decode");
}

ScheduleValues SamplerGraph::scheduleValues(const diffusion::SamplingSchedule& schedule) const {
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
  return values;
}

void SamplerGraph::setSchedule(gpu::Context& context, const diffusion::SamplingSchedule& schedule) const {
  auto values = scheduleValues(schedule);
  for (size_t i = 0; i < values.timesteps.size(); ++i)
    nn::writeTensor(context, timesteps_[i], std::span<const float>(&values.timesteps[i], 1));
  nn::writeTensor(context, coefficients_, values.coefficients);
}

}  // namespace afterimage::models
