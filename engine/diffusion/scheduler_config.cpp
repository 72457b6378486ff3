#include "engine/diffusion/scheduler_config.h"

#include <nlohmann/json.hpp>

#include "engine/system/json_value.h"

#include <fstream>

namespace afterimage::diffusion {
namespace {

template <typename T>
T field(const nlohmann::json& json, const std::string& source, const char* name, T fallback) {
  if (!json.contains(name) || json[name].is_null()) return fallback;
  auto value = system::jsonValueAs<T>(json[name]);
  if (!value) throw SchedulerError(source + ": field '" + name + "': unexpected value " + json[name].dump());
  return *value;
}

template <typename Enum>
Enum choice(const nlohmann::json& json, const std::string& source, const char* name, Enum fallback,
            std::initializer_list<std::pair<const char*, Enum>> options) {
  if (!json.contains(name) || json[name].is_null()) return fallback;
  std::string value = field<std::string>(json, source, name, "");
  std::string expected;
  for (const auto& [text, option] : options) {
    if (value == text) return option;
    expected += std::string(expected.empty() ? "" : ", ") + text;
  }
  throw SchedulerError(source + ": field '" + name + "': expected one of " + expected + ", found '" + value + "'");
}

void refuseIf(bool unsupported, const std::string& source, const char* name, const nlohmann::json& json) {
  if (!unsupported) return;
  // A field can be refused for its default (DDIM's clip_sample) and be
  // absent; json[name] on a const object is undefined for an absent key.
  std::string found = json.contains(name) ? "= " + json[name].dump() : "is absent and its default";
  throw SchedulerError(source + ": field '" + name + "' " + found + " is not supported");
}

}  // namespace

SchedulerConfig SchedulerConfig::sdTurbo() {
  SchedulerConfig config;
  config.kind = SchedulerKind::EulerDiscrete;
  config.betaStart = 0.00085;
  config.betaEnd = 0.012;
  config.betaSchedule = BetaSchedule::ScaledLinear;
  config.predictionType = PredictionType::Epsilon;
  config.timestepSpacing = TimestepSpacing::Trailing;
  config.stepsOffset = 1;
  config.setAlphaToOne = false;
  return config;
}

SchedulerConfig SchedulerConfig::fromJson(const nlohmann::json& json, const std::string& source) {
  if (!json.is_object()) throw SchedulerError(source + ": expected a JSON object");
  SchedulerConfig config;
  config.kind = choice(json, source, "_class_name", SchedulerKind::EulerDiscrete,
                       {{"EulerDiscreteScheduler", SchedulerKind::EulerDiscrete}, {"DDIMScheduler", SchedulerKind::DDIM}});
  config.numTrainTimesteps = field(json, source, "num_train_timesteps", 1000);
  if (config.numTrainTimesteps < 2) {
    throw SchedulerError(source + ": field 'num_train_timesteps': expected at least 2, found " +
                         std::to_string(config.numTrainTimesteps));
  }
  config.betaStart = field(json, source, "beta_start", 0.0001);
  config.betaEnd = field(json, source, "beta_end", 0.02);
  if (!(config.betaStart > 0 && config.betaEnd < 1 && config.betaStart <= config.betaEnd)) {
    throw SchedulerError(source + ": fields 'beta_start'/'beta_end': expected 0 < start <= end < 1, found " +
                         std::to_string(config.betaStart) + ", " + std::to_string(config.betaEnd));
  }
  config.betaSchedule = choice(json, source, "beta_schedule", BetaSchedule::Linear,
                               {{"linear", BetaSchedule::Linear}, {"scaled_linear", BetaSchedule::ScaledLinear}});
  config.predictionType = choice(json, source, "prediction_type", PredictionType::Epsilon,
                                 {{"epsilon", PredictionType::Epsilon},
                                  {"v_prediction", PredictionType::VPrediction},
                                  {"sample", PredictionType::Sample}});
  config.timestepSpacing = choice(json, source, "timestep_spacing",
                                  config.kind == SchedulerKind::DDIM ? TimestepSpacing::Leading : TimestepSpacing::Linspace,
                                  {{"linspace", TimestepSpacing::Linspace},
                                   {"leading", TimestepSpacing::Leading},
                                   {"trailing", TimestepSpacing::Trailing}});
  config.stepsOffset = field(json, source, "steps_offset", 0);
  config.setAlphaToOne = field(json, source, "set_alpha_to_one", true);

  refuseIf(json.contains("trained_betas") && !json["trained_betas"].is_null(), source, "trained_betas", json);
  refuseIf(field(json, source, "rescale_betas_zero_snr", false), source, "rescale_betas_zero_snr", json);
  if (config.kind == SchedulerKind::EulerDiscrete) {
    refuseIf(field(json, source, "use_karras_sigmas", false), source, "use_karras_sigmas", json);
    refuseIf(field(json, source, "use_exponential_sigmas", false), source, "use_exponential_sigmas", json);
    refuseIf(field(json, source, "use_beta_sigmas", false), source, "use_beta_sigmas", json);
    refuseIf(field<std::string>(json, source, "interpolation_type", "linear") != "linear", source,
             "interpolation_type", json);
    refuseIf(field<std::string>(json, source, "timestep_type", "discrete") != "discrete", source, "timestep_type", json);
    refuseIf(field<std::string>(json, source, "final_sigmas_type", "zero") != "zero", source, "final_sigmas_type", json);
  } else {
    // diffusers' DDIMScheduler clips x0 unless told not to: a non-linear step.
    refuseIf(field(json, source, "clip_sample", true), source, "clip_sample", json);
    refuseIf(field(json, source, "thresholding", false), source, "thresholding", json);
  }
  return config;
}

SchedulerConfig SchedulerConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SchedulerError(path + ": cannot open");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw SchedulerError(path + ": invalid JSON: " + e.what());
  }
  return fromJson(json, path);
}

const char* predictionTypeName(PredictionType type) {
  switch (type) {
    case PredictionType::Epsilon: return "epsilon";
    case PredictionType::VPrediction: return "v_prediction";
    case PredictionType::Sample: return "sample";
  }
  return "?";
}

}  // namespace afterimage::diffusion
