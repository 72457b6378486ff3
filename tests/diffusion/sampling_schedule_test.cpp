// Few-step schedules against diffusers (EulerDiscreteScheduler, DDIMScheduler
// and the StableDiffusion(Img2Img)Pipeline loops), goldens from
// tools/reference/model_scheduler.py. Timesteps must be equal; noise levels
// and coefficients agree to 2e-5 relative (our tables are double, diffusers'
// float32) plus 1e-6 absolute: at t = 0 diffusers' float32 1 - alpha_bar
// (~1e-4) cancels to ~1e-3 relative. Loop outputs agree to 2e-5 relative L2.
#include "engine/diffusion/sampling_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/diffusion/reference_sampler.h"
#include "tests/support/golden.h"

namespace afterimage::diffusion {
namespace {

const char* kConfigs[] = {"sd_turbo",      "euler_leading_v", "euler_linspace_sample",
                          "ddim_trailing", "ddim_leading_v",  "ddim_linspace_sample"};
constexpr double kLevelTolerance = 2e-5;
constexpr double kLoopTolerance = 2e-5;

const testing::Golden& golden() {
  static testing::Golden file("diffusion/schedulers.safetensors");
  return file;
}

SchedulerConfig goldenConfig(const std::string& name) {
  return SchedulerConfig::fromJson(golden().params(name)["config"], name);
}

constexpr double kLevelAbsolute = 1e-6;

double relativeError(double actual, double expected) {
  return std::max(0.0, std::abs(actual - expected) - kLevelAbsolute) / std::max(std::abs(expected), 1e-12);
}

std::vector<float> asFloats(const std::vector<double>& values) { return {values.begin(), values.end()}; }

TEST(SamplingSchedule, SdTurboTrailingTimesteps) {
  SchedulerConfig turbo = SchedulerConfig::sdTurbo();
  EXPECT_EQ(inferenceTimesteps(turbo, 1), (std::vector<double>{999}));
  EXPECT_EQ(inferenceTimesteps(turbo, 2), (std::vector<double>{999, 499}));
  EXPECT_EQ(inferenceTimesteps(turbo, 3), (std::vector<double>{999, 666, 332}));
  EXPECT_EQ(inferenceTimesteps(turbo, 4), (std::vector<double>{999, 749, 499, 249}));
}

TEST(SamplingSchedule, SdTurboOneStepCoefficients) {
  SamplingSchedule schedule = textToImageSchedule(SchedulerConfig::sdTurbo(), 1);
  ASSERT_EQ(schedule.steps.size(), 1u);
  const SamplingStep& step = schedule.steps[0];
  double sigma = step.noiseLevel;
  std::printf("sd-turbo 1 step: t=%g sigma=%.6f input scale=%.6f\n", step.timestep, sigma, step.inputScale);
  EXPECT_NEAR(sigma, 14.614647, 1e-4);
  EXPECT_NEAR(step.inputScale, 1.0 / std::sqrt(sigma * sigma + 1.0), 1e-7);
  EXPECT_NEAR(step.inputScale, 0.068265, 1e-6);
  EXPECT_EQ(schedule.noiseScale, float(sigma));  // latents = noise * init_noise_sigma
  // Epsilon to sigma 0: x' = x - sigma * eps, which is x0.
  EXPECT_EQ(step.nextFromSample, 1.0f);
  EXPECT_NEAR(step.nextFromOutput, -sigma, 1e-5);
  EXPECT_NEAR(step.x0FromOutput, -sigma, 1e-5);
}

TEST(SamplingSchedule, AlphasCumprodMatchDiffusers) {
  for (const char* name : kConfigs) {
    std::vector<double> ours = alphasCumprod(goldenConfig(name));
    std::vector<float> theirs = golden().values(name, "alphas_cumprod");
    ASSERT_EQ(ours.size(), theirs.size()) << name;
    double worst = 0;
    for (size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, relativeError(ours[i], theirs[i]));
    std::printf("%-22s alphas_cumprod max relative error %.2e (limit %.0e)\n", name, worst, kLevelTolerance);
    EXPECT_LT(worst, kLevelTolerance) << name;
  }
}

TEST(SamplingSchedule, TextToImageMatchesDiffusers) {
  for (const char* name : kConfigs) {
    SchedulerConfig config = goldenConfig(name);
    for (int steps = 1; steps <= 4; ++steps) {
      std::string caseName = std::string(name) + "_steps" + std::to_string(steps);
      EXPECT_EQ(asFloats(inferenceTimesteps(config, steps)), golden().values(caseName, "timesteps")) << caseName;
      SamplingSchedule schedule = textToImageSchedule(config, steps);
      ASSERT_EQ(int(schedule.steps.size()), steps);
      EXPECT_LT(relativeError(schedule.noiseScale, golden().values(caseName, "init_noise_sigma")[0]), kLevelTolerance)
          << caseName;
      if (config.kind == SchedulerKind::EulerDiscrete) {
        std::vector<float> sigmas = golden().values(caseName, "sigmas");
        ASSERT_EQ(int(sigmas.size()), steps + 1);
        for (int i = 0; i < steps; ++i) {
          EXPECT_LT(relativeError(schedule.steps[i].noiseLevel, sigmas[i]), kLevelTolerance) << caseName << " step " << i;
        }
        EXPECT_EQ(schedule.steps.back().nextNoiseLevel, 0.0);
      }
    }
  }
}

TEST(SamplingSchedule, ImageToImageMatchesDiffusers) {
  for (const char* name : kConfigs) {
    SchedulerConfig config = goldenConfig(name);
    for (int steps = 1; steps <= 4; ++steps) {
      for (int tenths : {3, 5, 10}) {
        std::string caseName = std::string(name) + "_steps" + std::to_string(steps) + "_strength" + std::to_string(tenths);
        int remaining = golden().params(caseName)["remaining"].get<int>();
        double strength = tenths / 10.0;
        if (remaining == 0) {
          EXPECT_THROW(imageToImageSchedule(config, steps, strength), SchedulerError) << caseName;
          continue;
        }
        SamplingSchedule schedule = imageToImageSchedule(config, steps, strength);
        std::vector<float> timesteps;
        for (const SamplingStep& step : schedule.steps) timesteps.push_back(step.timestep);
        EXPECT_EQ(timesteps, golden().values(caseName, "timesteps")) << caseName;
        std::vector<float> start = golden().values(caseName, "start");
        EXPECT_LT(relativeError(schedule.initScale, start[0]), kLevelTolerance) << caseName;
        EXPECT_LT(relativeError(schedule.noiseScale, start[1]), kLevelTolerance) << caseName;
      }
    }
  }
}

TEST(SamplingSchedule, ImageToImageRefusesEmptySchedulesAndBadStrength) {
  SchedulerConfig turbo = SchedulerConfig::sdTurbo();
  EXPECT_THROW(imageToImageSchedule(turbo, 2, 0.4), SchedulerError);  // int(0.8) = 0 steps
  EXPECT_THROW(imageToImageSchedule(turbo, 2, 0.0), SchedulerError);
  EXPECT_THROW(imageToImageSchedule(turbo, 2, 1.5), SchedulerError);
  EXPECT_THROW(textToImageSchedule(turbo, 0), SchedulerError);
  // SD-Turbo's documented img2img: 2 steps at strength 0.5 run one step at t=499.
  SamplingSchedule schedule = imageToImageSchedule(turbo, 2, 0.5);
  ASSERT_EQ(schedule.steps.size(), 1u);
  EXPECT_EQ(schedule.steps[0].timestep, 499.0f);
}

// The fake model of model_scheduler.py: 0.9 x + (t / 1000) bias.
double loopError(const SamplingSchedule& schedule, const std::string& caseName) {
  std::vector<float> noise = golden().values("noise", "noise");
  std::vector<float> init = golden().values("noise", "init");
  std::vector<float> bias = golden().values("noise", "bias");
  auto model = [&](std::span<const float> input, float timestep, std::span<float> output) {
    for (size_t i = 0; i < input.size(); ++i) output[i] = 0.9f * input[i] + (timestep / 1000.0f) * bias[i];
  };
  std::vector<float> actual = sampleOnCpu(schedule, noise, init, model);
  std::vector<float> expected = golden().values(caseName, "output");
  double diff = 0, norm = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    diff += (double(actual[i]) - expected[i]) * (double(actual[i]) - expected[i]);
    norm += double(expected[i]) * expected[i];
  }
  double error = std::sqrt(diff / norm);
  std::printf("%-34s relative L2 error %.2e (limit %.0e)\n", caseName.c_str(), error, kLoopTolerance);
  return error;
}

TEST(SamplingSchedule, TwoStepLoopsMatchDiffusers) {
  for (const char* name : kConfigs) {
    SchedulerConfig config = goldenConfig(name);
    EXPECT_LT(loopError(textToImageSchedule(config, 2), std::string(name) + "_loop_txt2img"), kLoopTolerance);
    // 4 steps at strength 0.5: the last two steps run.
    EXPECT_LT(loopError(imageToImageSchedule(config, 4, 0.5), std::string(name) + "_loop_img2img"), kLoopTolerance);
  }
}

}  // namespace
}  // namespace afterimage::diffusion

namespace afterimage::diffusion {
namespace {

// The live generator's schedule: at strength 1 it is the trailing Euler
// text-to-image schedule (same timesteps and coefficients; diffusers' DDIM
// steps back by T / n instead of to the next timestep, so only Euler is
// compared); lower strength
// starts at lower noise, continuously, with the same number of UNet calls.
TEST(StreamSchedule, FullStrengthIsTheTrailingSchedule) {
  for (const char* name : {"sd_turbo"}) {
    SchedulerConfig config = goldenConfig(name);
    for (int steps = 1; steps <= 4; ++steps) {
      SamplingSchedule stream = streamSchedule(config, steps, 1.0);
      SamplingSchedule reference = textToImageSchedule(config, steps);
      ASSERT_EQ(stream.steps.size(), reference.steps.size());
      for (size_t i = 0; i < stream.steps.size(); ++i) {
        EXPECT_EQ(stream.steps[i].timestep, reference.steps[i].timestep) << name << " step " << i;
        EXPECT_NEAR(stream.steps[i].nextFromOutput, reference.steps[i].nextFromOutput,
                    1e-6 * std::abs(reference.steps[i].nextFromOutput) + 1e-7);
        EXPECT_NEAR(stream.steps[i].inputScale, reference.steps[i].inputScale, 1e-7);
      }
    }
  }
}

TEST(StreamSchedule, StrengthMovesTheNoiseLevelContinuously) {
  SchedulerConfig turbo = SchedulerConfig::sdTurbo();
  double previous = 0;
  for (double strength = 0.05; strength <= 1.0; strength += 0.05) {
    SamplingSchedule s = streamSchedule(turbo, 2, strength);
    ASSERT_EQ(s.steps.size(), 2u);
    EXPECT_EQ(s.initScale, 1.0f);
    EXPECT_GT(s.noiseScale, previous) << "strength " << strength;
    previous = s.noiseScale;
    EXPECT_EQ(s.steps.back().nextNoiseLevel, 0.0);  // ends at the clean latent
  }
  EXPECT_THROW(streamSchedule(turbo, 2, 0.0), SchedulerError);
  EXPECT_THROW(streamSchedule(turbo, 2, 1.5), SchedulerError);
}

}  // namespace
}  // namespace afterimage::diffusion
