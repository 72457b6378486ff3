#include "engine/diffusion/sampling_schedule.h"

#include <cfenv>
#include <cmath>
#include <string>

namespace afterimage::diffusion {
namespace {

// numpy's round: halves to even (the default FE_TONEAREST mode).
double roundHalfEven(double value) { return std::nearbyint(value); }

void checkSteps(const SchedulerConfig& config, int steps) {
  if (steps < 1 || steps > config.numTrainTimesteps) {
    throw SchedulerError("sampling steps: expected 1.." + std::to_string(config.numTrainTimesteps) + ", found " +
                         std::to_string(steps));
  }
}

// sigma(t) = sqrt((1 - ab) / ab), linearly interpolated between integer t (np.interp).
double sigmaAt(const std::vector<double>& alphaBar, double t) {
  auto sigma = [&](size_t i) { return std::sqrt((1.0 - alphaBar[i]) / alphaBar[i]); };
  size_t below = size_t(std::floor(t));
  if (below + 1 >= alphaBar.size()) return sigma(alphaBar.size() - 1);
  double fraction = t - double(below);
  return sigma(below) + fraction * (sigma(below + 1) - sigma(below));
}

SamplingStep eulerStep(PredictionType prediction, double timestep, double sigma, double sigmaNext) {
  SamplingStep step;
  step.timestep = float(timestep);
  step.noiseLevel = sigma;
  step.nextNoiseLevel = sigmaNext;
  step.inputScale = float(1.0 / std::sqrt(sigma * sigma + 1.0));
  // x0 = a x + b out; Euler: x' = x + (x - x0) / sigma * (sigmaNext - sigma).
  double a = 0, b = 0;
  switch (prediction) {
    case PredictionType::Epsilon: a = 1; b = -sigma; break;
    case PredictionType::VPrediction: a = 1.0 / (sigma * sigma + 1.0); b = -sigma / std::sqrt(sigma * sigma + 1.0); break;
    case PredictionType::Sample: a = 0; b = 1; break;
  }
  double ratio = (sigmaNext - sigma) / sigma;
  step.x0FromSample = float(a);
  step.x0FromOutput = float(b);
  step.nextFromSample = float(1.0 + ratio * (1.0 - a));
  step.nextFromOutput = float(-ratio * b);
  return step;
}

SamplingStep ddimStep(PredictionType prediction, double timestep, double alphaBar, double alphaBarNext) {
  SamplingStep step;
  step.timestep = float(timestep);
  step.noiseLevel = alphaBar;
  step.nextNoiseLevel = alphaBarNext;
  step.inputScale = 1;
  const double sa = std::sqrt(alphaBar), sb = std::sqrt(1.0 - alphaBar);
  // x0 = a x + b out and eps = c x + d out; DDIM: x' = sqrt(ab') x0 + sqrt(1 - ab') eps.
  double a = 0, b = 0, c = 0, d = 0;
  switch (prediction) {
    case PredictionType::Epsilon: a = 1 / sa; b = -sb / sa; c = 0; d = 1; break;
    case PredictionType::VPrediction: a = sa; b = -sb; c = sb; d = sa; break;
    case PredictionType::Sample: a = 0; b = 1; c = 1 / sb; d = -sa / sb; break;
  }
  const double na = std::sqrt(alphaBarNext), nb = std::sqrt(1.0 - alphaBarNext);
  step.x0FromSample = float(a);
  step.x0FromOutput = float(b);
  step.nextFromSample = float(na * a + nb * c);
  step.nextFromOutput = float(na * b + nb * d);
  return step;
}

// alpha_bar linearly interpolated between integer timesteps.
double alphaBarAt(const std::vector<double>& alphaBar, double t) {
  size_t below = size_t(std::floor(std::max(t, 0.0)));
  if (below + 1 >= alphaBar.size()) return alphaBar.back();
  double fraction = t - double(below);
  return alphaBar[below] + fraction * (alphaBar[below + 1] - alphaBar[below]);
}

void setInitScales(const SchedulerConfig& config, SamplingSchedule& schedule) {
  const SamplingStep& first = schedule.steps.front();
  if (config.kind == SchedulerKind::DDIM) {
    schedule.initScale = float(std::sqrt(first.noiseLevel));
    schedule.noiseScale = float(std::sqrt(1.0 - first.noiseLevel));
  } else {
    schedule.initScale = 1;
    schedule.noiseScale = float(first.noiseLevel);
  }
}

// The steps from index `first` of a `steps`-step schedule.
SamplingSchedule scheduleFrom(const SchedulerConfig& config, int steps, int first) {
  const std::vector<double> alphaBar = alphasCumprod(config);
  const std::vector<double> timesteps = inferenceTimesteps(config, steps);
  SamplingSchedule schedule;
  schedule.inferenceSteps = steps;
  for (int i = first; i < steps; ++i) {
    if (config.kind == SchedulerKind::EulerDiscrete) {
      double sigma = sigmaAt(alphaBar, timesteps[i]);
      double sigmaNext = i + 1 < steps ? sigmaAt(alphaBar, timesteps[i + 1]) : 0.0;
      schedule.steps.push_back(eulerStep(config.predictionType, timesteps[i], sigma, sigmaNext));
    } else {
      // diffusers' DDIM always steps back by T / n, whatever the spacing.
      int t = int(timesteps[i]);
      int previous = t - config.numTrainTimesteps / steps;
      double next = previous >= 0 ? alphaBar[previous] : (config.setAlphaToOne ? 1.0 : alphaBar[0]);
      schedule.steps.push_back(ddimStep(config.predictionType, timesteps[i], alphaBar[t], next));
    }
  }
  return schedule;
}

}  // namespace

std::vector<double> alphasCumprod(const SchedulerConfig& config) {
  const int n = config.numTrainTimesteps;
  std::vector<double> alphaBar(n);
  double product = 1.0;
  for (int i = 0; i < n; ++i) {
    double fraction = double(i) / double(n - 1);
    double beta = 0;
    if (config.betaSchedule == BetaSchedule::Linear) {
      beta = config.betaStart + fraction * (config.betaEnd - config.betaStart);
    } else {
      double root = std::sqrt(config.betaStart) + fraction * (std::sqrt(config.betaEnd) - std::sqrt(config.betaStart));
      beta = root * root;
    }
    product *= 1.0 - beta;
    alphaBar[i] = product;
  }
  return alphaBar;
}

std::vector<double> inferenceTimesteps(const SchedulerConfig& config, int steps) {
  checkSteps(config, steps);
  const int trainSteps = config.numTrainTimesteps;
  const bool euler = config.kind == SchedulerKind::EulerDiscrete;
  std::vector<double> timesteps(steps);
  for (int i = 0; i < steps; ++i) {
    double t = 0;
    switch (config.timestepSpacing) {
      case TimestepSpacing::Linspace: {
        // np.linspace(0, T - 1, n)[::-1]; Euler keeps it float32, DDIM rounds it.
        int k = steps - 1 - i;
        double value = steps == 1 ? 0.0 : (k == steps - 1 ? double(trainSteps - 1) : k * (double(trainSteps - 1) / (steps - 1)));
        t = euler ? double(float(value)) : roundHalfEven(value);
        break;
      }
      case TimestepSpacing::Leading: {
        int ratio = trainSteps / steps;
        t = double((steps - 1 - i) * ratio + config.stepsOffset);
        break;
      }
      case TimestepSpacing::Trailing: {
        // np.arange(T, 0, -T / n).round() - 1
        t = roundHalfEven(double(trainSteps) - i * (double(trainSteps) / steps)) - 1.0;
        break;
      }
    }
    timesteps[i] = t;
  }
  return timesteps;
}

SamplingSchedule textToImageSchedule(const SchedulerConfig& config, int steps) {
  checkSteps(config, steps);
  SamplingSchedule schedule = scheduleFrom(config, steps, 0);
  schedule.initScale = 0;
  if (config.kind == SchedulerKind::DDIM) {
    schedule.noiseScale = 1;
  } else {
    // init_noise_sigma: the largest sigma, and sqrt(sigma^2 + 1) for "leading".
    double sigmaMax = schedule.steps.front().noiseLevel;
    schedule.noiseScale = float(config.timestepSpacing == TimestepSpacing::Leading ? std::sqrt(sigmaMax * sigmaMax + 1)
                                                                                   : sigmaMax);
  }
  return schedule;
}

SamplingSchedule imageToImageSchedule(const SchedulerConfig& config, int steps, double strength) {
  checkSteps(config, steps);
  if (!(strength > 0.0 && strength <= 1.0)) {
    throw SchedulerError("img2img strength: expected 0 < strength <= 1, found " + std::to_string(strength));
  }
  // StableDiffusionImg2ImgPipeline.get_timesteps, truncation included.
  int kept = std::min(int(steps * strength), steps);
  if (kept < 1) {
    throw SchedulerError("img2img: " + std::to_string(steps) + " steps at strength " + std::to_string(strength) +
                         " leave no step to run (steps x strength must be at least 1)");
  }
  SamplingSchedule schedule = scheduleFrom(config, steps, steps - kept);
  setInitScales(config, schedule);
  return schedule;
}

SamplingSchedule streamSchedule(const SchedulerConfig& config, int steps, double strength) {
  checkSteps(config, steps);
  if (!(strength > 0.0 && strength <= 1.0)) {
    throw SchedulerError("stream strength: expected 0 < strength <= 1, found " + std::to_string(strength));
  }
  const std::vector<double> alphaBar = alphasCumprod(config);
  auto timestep = [&](int i) {
    return std::max(0.0, roundHalfEven(strength * config.numTrainTimesteps * double(steps - i) / steps) - 1.0);
  };
  SamplingSchedule schedule;
  schedule.inferenceSteps = steps;
  for (int i = 0; i < steps; ++i) {
    double t = timestep(i);
    bool last = i + 1 == steps;
    if (config.kind == SchedulerKind::EulerDiscrete) {
      double next = last ? 0.0 : sigmaAt(alphaBar, timestep(i + 1));
      schedule.steps.push_back(eulerStep(config.predictionType, t, sigmaAt(alphaBar, t), next));
    } else {
      double next = !last ? alphaBarAt(alphaBar, timestep(i + 1)) : config.setAlphaToOne ? 1.0 : alphaBar[0];
      schedule.steps.push_back(ddimStep(config.predictionType, t, alphaBarAt(alphaBar, t), next));
    }
  }
  setInitScales(config, schedule);
  return schedule;
}

}  // namespace afterimage::diffusion
