// A diffusers scheduler/scheduler_config.json, reduced to what the few-step
// samplers need. Defaults are diffusers' class defaults for a missing field;
// options that would make the update non-linear or change the sigma table
// (Karras sigmas, zero-terminal-SNR rescaling, DDIM sample clipping and
// thresholding, ...) are refused with the field named.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <stdexcept>
#include <string>

namespace afterimage::diffusion {

class SchedulerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SchedulerKind { EulerDiscrete, DDIM };
enum class BetaSchedule { Linear, ScaledLinear };
enum class PredictionType { Epsilon, VPrediction, Sample };
enum class TimestepSpacing { Linspace, Leading, Trailing };

struct SchedulerConfig {
  SchedulerKind kind = SchedulerKind::EulerDiscrete;
  int numTrainTimesteps = 1000;
  double betaStart = 0.0001;
  double betaEnd = 0.02;
  BetaSchedule betaSchedule = BetaSchedule::Linear;
  PredictionType predictionType = PredictionType::Epsilon;
  TimestepSpacing timestepSpacing = TimestepSpacing::Linspace;
  int stepsOffset = 0;
  bool setAlphaToOne = true;  // DDIM: alpha_bar after the last step is 1 (else alpha_bar[0])

  // SD-Turbo's configuration (Euler, scaled-linear 0.00085..0.012, epsilon,
  // trailing, steps_offset 1, set_alpha_to_one false).
  static SchedulerConfig sdTurbo();
  // `source` names the file in error messages.
  static SchedulerConfig fromJson(const nlohmann::json& json, const std::string& source);
  static SchedulerConfig load(const std::string& path);
};

const char* predictionTypeName(PredictionType type);

}  // namespace afterimage::diffusion
