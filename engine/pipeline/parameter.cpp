#include "engine/pipeline/parameter.h"

#include <charconv>

namespace afterimage::pipeline {
namespace {

// Order as in Parameter. Rotation in radians and translation in fractions
// of the picture per generated frame (GenParams); hue shift in turns.
constexpr std::array<ParameterInfo, kParameterCount> kParameters{{
    {"strength", 0.5, 0.0, 1.0},
    {"zoom", 1.0, 0.25, 4.0},
    {"rotate", 0.0, -3.14159265358979, 3.14159265358979},
    {"translate_x", 0.0, -1.0, 1.0},
    {"translate_y", 0.0, -1.0, 1.0},
    {"feedback", 1.0, 0.0, 1.0},
    {"brightness", 1.0, 0.0, 4.0},
    {"contrast", 1.0, 0.0, 4.0},
    {"saturation", 1.0, 0.0, 4.0},
    {"hue_shift", 0.0, -1.0, 1.0},
    {"strobe", 0.0, 0.0, 1.0},
    {"blackout", 0.0, 0.0, 1.0},
    {"seed_speed", 0.0, 0.0, 16.0},
    {"noise_refresh", 0.0, 0.0, 1.0},
    {"anchor", 0.0, 0.0, 1.0},
    {"temporal_bank", 1.0, 0.0, 1.0},
    {"temporal_memory", 1.0, 0.0, 1.0},
    {"prompt.N.weight", 1.0, -4.0, 4.0},
}};

}  // namespace

const ParameterInfo& parameterInfo(Parameter p) { return kParameters[size_t(p)]; }

ParameterValues defaultParameterValues() {
  ParameterValues values{};
  for (int i = 0; i < kParameterCount; ++i) values[size_t(i)] = kParameters[size_t(i)].defaultValue;
  return values;
}

std::optional<ParameterTarget> parseParameterTarget(std::string_view path) {
  for (int i = 0; i < kParameterCount; ++i) {
    if (Parameter(i) != Parameter::PromptWeight && kParameters[size_t(i)].name == path)
      return ParameterTarget{Parameter(i), -1};
  }
  constexpr std::string_view prefix = "prompt.", suffix = ".weight";
  if (path.size() > prefix.size() + suffix.size() && path.starts_with(prefix) && path.ends_with(suffix)) {
    std::string_view digits = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    int index = -1;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (error == std::errc() && end == digits.data() + digits.size() && index >= 0 && digits[0] != '+')
      return ParameterTarget{Parameter::PromptWeight, index};
  }
  return std::nullopt;
}

std::string formatParameterTarget(const ParameterTarget& target) {
  if (target.parameter == Parameter::PromptWeight) return "prompt." + std::to_string(target.prompt) + ".weight";
  return std::string(parameterInfo(target.parameter).name);
}

std::vector<std::string> parameterNames() {
  std::vector<std::string> names;
  for (const ParameterInfo& info : kParameters) names.emplace_back(info.name);
  return names;
}

}  // namespace afterimage::pipeline
