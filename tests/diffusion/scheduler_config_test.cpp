// scheduler_config.json: SD-Turbo's file reads as Euler / trailing /
// epsilon; unsupported options and bad values are refused with the field named.
#include "engine/diffusion/scheduler_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include "tests/support/temp_path.h"

namespace afterimage::diffusion {
namespace {

const char* kSdTurbo = R"({
  "_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.24.0.dev0",
  "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false,
  "interpolation_type": "linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
  "sample_max_value": 1.0, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1,
  "timestep_spacing": "trailing", "trained_betas": null, "use_karras_sigmas": false})";

nlohmann::json patched(nlohmann::json json, const nlohmann::json& patch) {
  json.merge_patch(patch);
  return json;
}

void expectRefused(nlohmann::json json, const std::string& fragment) {
  try {
    SchedulerConfig::fromJson(json, "scheduler_config.json");
    FAIL() << "expected a SchedulerError containing '" << fragment << "'";
  } catch (const SchedulerError& e) {
    EXPECT_NE(std::string(e.what()).find("scheduler_config.json: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(SchedulerConfig, ReadsSdTurbo) {
  auto path = afterimage::testing::uniqueTempPath("scheduler_config.json");
  std::ofstream(path) << kSdTurbo;
  SchedulerConfig config = SchedulerConfig::load(path.string());
  SchedulerConfig expected = SchedulerConfig::sdTurbo();
  EXPECT_EQ(config.kind, SchedulerKind::EulerDiscrete);
  EXPECT_EQ(config.betaSchedule, BetaSchedule::ScaledLinear);
  EXPECT_EQ(config.betaStart, expected.betaStart);
  EXPECT_EQ(config.betaEnd, expected.betaEnd);
  EXPECT_EQ(config.predictionType, PredictionType::Epsilon);
  EXPECT_EQ(config.timestepSpacing, TimestepSpacing::Trailing);
  EXPECT_EQ(config.stepsOffset, 1);
  EXPECT_EQ(config.numTrainTimesteps, 1000);
  EXPECT_FALSE(config.setAlphaToOne);
}

TEST(SchedulerConfig, MissingFieldsTakeDiffusersDefaults) {
  SchedulerConfig euler = SchedulerConfig::fromJson(nlohmann::json::object(), "x");
  EXPECT_EQ(euler.timestepSpacing, TimestepSpacing::Linspace);
  EXPECT_EQ(euler.betaSchedule, BetaSchedule::Linear);
  SchedulerConfig ddim = SchedulerConfig::fromJson({{"_class_name", "DDIMScheduler"}, {"clip_sample", false}}, "x");
  EXPECT_EQ(ddim.kind, SchedulerKind::DDIM);
  EXPECT_EQ(ddim.timestepSpacing, TimestepSpacing::Leading);
}

TEST(SchedulerConfig, RefusesWhatItCannotReproduce) {
  nlohmann::json base = nlohmann::json::parse(kSdTurbo);
  expectRefused(patched(base, {{"_class_name", "LMSDiscreteScheduler"}}), "_class_name");
  expectRefused(patched(base, {{"prediction_type", "flow"}}), "prediction_type");
  expectRefused(patched(base, {{"timestep_spacing", "karras"}}), "timestep_spacing");
  expectRefused(patched(base, {{"use_karras_sigmas", true}}), "use_karras_sigmas");
  expectRefused(patched(base, {{"rescale_betas_zero_snr", true}}), "rescale_betas_zero_snr");
  expectRefused(patched(base, {{"beta_start", "small"}}), "beta_start");
  expectRefused(patched(base, {{"beta_end", 2.0}}), "beta_end");
  // DDIM clips x0 by default: only clip_sample false is linear.
  expectRefused({{"_class_name", "DDIMScheduler"}}, "clip_sample");
}

// 1e300 read as an int was undefined behaviour; -1 steps_offset is an int
// but 5e9 is not.
TEST(SchedulerConfig, NumbersOutsideTheFieldsTypeAreRefused) {
  nlohmann::json base = nlohmann::json::parse(kSdTurbo);
  expectRefused(patched(base, {{"num_train_timesteps", 1e300}}), "num_train_timesteps");
  expectRefused(patched(base, {{"steps_offset", 5e9}}), "steps_offset");
  expectRefused(patched(base, {{"num_train_timesteps", 1000.5}}), "num_train_timesteps");
  expectRefused(patched(base, {{"set_alpha_to_one", 1}}), "set_alpha_to_one");
}

// Found by the sanitizer build: the refusal read the absent field through
// const operator[], undefined behaviour (an assertion in nlohmann's debug mode).
TEST(SchedulerConfig, RefusalOfAnAbsentFieldsDefaultSaysItIsAbsent) {
  expectRefused({{"_class_name", "DDIMScheduler"}}, "field 'clip_sample' is absent and its default is not supported");
}

TEST(SchedulerConfig, MissingFileIsNamed) {
  EXPECT_THROW(
      {
        try {
          SchedulerConfig::load("/nonexistent/scheduler_config.json");
        } catch (const SchedulerError& e) {
          EXPECT_NE(std::string(e.what()).find("/nonexistent/scheduler_config.json: cannot open"), std::string::npos);
          throw;
        }
      },
      SchedulerError);
}

}  // namespace
}  // namespace afterimage::diffusion
