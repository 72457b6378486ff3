#include "engine/diffusion/reference_sampler.h"

#include <stdexcept>
#include <string>

namespace afterimage::diffusion {

std::vector<float> sampleOnCpu(const SamplingSchedule& schedule, std::span<const float> noise,
                               std::span<const float> initLatent, const Denoiser& denoiser) {
  const size_t n = noise.size();
  const bool useInit = schedule.initScale != 0.0f;
  if (useInit && initLatent.size() != n) {
    throw std::invalid_argument("sampleOnCpu: init latent has " + std::to_string(initLatent.size()) +
                                " values, noise " + std::to_string(n));
  }
  std::vector<float> x(n), input(n), output(n);
  for (size_t i = 0; i < n; ++i) x[i] = schedule.noiseScale * noise[i] + (useInit ? schedule.initScale * initLatent[i] : 0.0f);
  for (const SamplingStep& step : schedule.steps) {
    for (size_t i = 0; i < n; ++i) input[i] = step.inputScale * x[i];
    denoiser(input, step.timestep, output);
    for (size_t i = 0; i < n; ++i) x[i] = step.nextFromSample * x[i] + step.nextFromOutput * output[i];
  }
  return x;
}

}  // namespace afterimage::diffusion
