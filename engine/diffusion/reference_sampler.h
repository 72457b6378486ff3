// The sampling loop on the CPU, applying a SamplingSchedule's coefficients
// exactly as the GPU sampler does; tests run it with a stand-in model.
#pragma once
#include <functional>
#include <span>
#include <vector>

#include "engine/diffusion/sampling_schedule.h"

namespace afterimage::diffusion {

// Writes the model's output for `modelInput` at `timestep`.
using Denoiser = std::function<void(std::span<const float> modelInput, float timestep, std::span<float> modelOutput)>;

// Returns the final latent. `initLatent` is ignored when the schedule's
// initScale is 0 (text to image) and may then be empty.
std::vector<float> sampleOnCpu(const SamplingSchedule& schedule, std::span<const float> noise,
                               std::span<const float> initLatent, const Denoiser& denoiser);

}  // namespace afterimage::diffusion
