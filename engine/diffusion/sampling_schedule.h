// Few-step sampling schedules as per-step scalars, so a GPU sampler applies
// each step as two fused multiply-adds on the latent:
//   start:        x = initScale * initLatent + noiseScale * noise
//   each step:    modelInput = inputScale * x   (UNet evaluated at `timestep`)
//                 x0 = x0FromSample * x + x0FromOutput * modelOutput
//                 x  = nextFromSample * x + nextFromOutput * modelOutput
// Every update of diffusers' EulerDiscreteScheduler (no churn) and
// DDIMScheduler (eta 0) is linear in (x, modelOutput) for each prediction
// type, so these coefficients reproduce them exactly. Euler latents live in
// sigma space (x = x0 + sigma * eps); DDIM latents in alpha space
// (x = sqrt(ab) x0 + sqrt(1 - ab) eps). Text-to-image and image-to-image
// follow StableDiffusion(Img2Img)Pipeline.
#pragma once
#include <vector>

#include "engine/diffusion/scheduler_config.h"

namespace afterimage::diffusion {

struct SamplingStep {
  float timestep = 0;  // the UNet's timestep input (Euler "linspace" gives fractional ones)
  double noiseLevel = 0;      // Euler: sigma; DDIM: alpha_bar
  double nextNoiseLevel = 0;  // after this step
  float inputScale = 1;
  float x0FromSample = 0, x0FromOutput = 0;
  float nextFromSample = 0, nextFromOutput = 0;
};

struct SamplingSchedule {
  int inferenceSteps = 0;  // before strength cut the schedule (num_inference_steps)
  float initScale = 0;     // 0 for text-to-image
  float noiseScale = 1;
  std::vector<SamplingStep> steps;
};

// alpha_bar[t] for t = 0 .. numTrainTimesteps - 1 (double precision).
std::vector<double> alphasCumprod(const SchedulerConfig& config);

// The timesteps of a `steps`-step schedule, as diffusers' set_timesteps.
std::vector<double> inferenceTimesteps(const SchedulerConfig& config, int steps);

// Text to image: x starts as noise * init_noise_sigma. Throws SchedulerError
// for steps outside 1..numTrainTimesteps.
SamplingSchedule textToImageSchedule(const SchedulerConfig& config, int steps);

// Image to image: diffusers keeps the last int(steps * strength) steps of the
// `steps`-step schedule and noises the init latent to the first of them.
// Throws SchedulerError when no step remains (steps * strength < 1) or
// strength is outside (0, 1].
SamplingSchedule imageToImageSchedule(const SchedulerConfig& config, int steps, double strength);

// Streaming image to image (the live generator): exactly `steps` UNet calls
// at any strength in (0, 1], so one recorded plan serves every frame while
// the music moves the strength (in steps of 1/T). Timestep i is
// round(strength * T * (steps - i) / steps) - 1, which at strength 1 is the
// trailing text-to-image schedule; the init latent is noised to the first step.
// Throws SchedulerError for strength outside (0, 1] or steps outside 1..T.
SamplingSchedule streamSchedule(const SchedulerConfig& config, int steps, double strength);

}  // namespace afterimage::diffusion
