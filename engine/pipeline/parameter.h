// The parameters a set can drive, by the names set files use ("strength",
// "zoom", "prompt.1.weight"), with their defaults and the range a frame's
// value is clamped to. Mappings, LFOs and triggers name their target with a
// ParameterTarget.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::pipeline {

enum class Parameter {
  Strength,
  Zoom,
  Rotate,
  TranslateX,
  TranslateY,
  Feedback,
  Brightness,
  Contrast,
  Saturation,
  HueShift,
  Strobe,
  Blackout,   // on when > 0.5
  SeedSpeed,  // seeds walked per beat (the noise drifts continuously)
  NoiseRefresh,  // share of the re-noising drawn fresh each frame (GenParams::noiseRefresh)
  Anchor,        // colour anchor (GenParams::anchor)
  TemporalBank,  // how much the feature bank of past frames is attended to (GenParams::temporalBank)
  TemporalMemory,  // how much the temporal layers attend to past frames (GenParams::temporalMemory)
  PromptWeight,  // prompt.N.weight: the weight of the scene's prompt N (0-based)
  Count
};

constexpr int kParameterCount = int(Parameter::Count);

struct ParameterInfo {
  std::string_view name;  // as in set files; PromptWeight's is "prompt.N.weight"
  double defaultValue;
  double min, max;        // what a frame's value is clamped to, and what a set's base value must lie in
};

const ParameterInfo& parameterInfo(Parameter p);

// The numeric parameters of a scene, indexed by Parameter (PromptWeight
// unused: prompt weights live with the prompts).
using ParameterValues = std::array<double, kParameterCount>;
ParameterValues defaultParameterValues();

struct ParameterTarget {
  Parameter parameter = Parameter::Strength;
  int prompt = -1;  // for PromptWeight

  bool operator==(const ParameterTarget&) const = default;
};

// "zoom" or "prompt.2.weight"; nullopt if it names no parameter.
std::optional<ParameterTarget> parseParameterTarget(std::string_view path);
std::string formatParameterTarget(const ParameterTarget& target);
// Every scalar name plus "prompt.N.weight", for suggestions.
std::vector<std::string> parameterNames();

}  // namespace afterimage::pipeline
