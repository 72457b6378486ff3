#include "audio/drum_detector.h"

#include <algorithm>
#include <cmath>

namespace afterimage::audio {
namespace {

// A band's peak level maps to log1p(compression); quieter parts count less.
constexpr float kKickCompression = 20, kBroadbandCompression = 5;
constexpr float kSilence = 1e-5f;     // amplitude: quieter bands are not compressed up
constexpr double kPeakFallSeconds = 4;
// The kick band's level falls slower and a kick must come within 14 dB of
// it: through a build-up without kicks, a snare's or a riser's leakage under
// 110 Hz (20 dB and more under the kicks) stays too weak to be a kick.
constexpr double kKickPeakFallSeconds = 30;
constexpr float kKickMinLevel = 0.2f;
// How fast the held level of a bin falls (compressed units per second): about
// as fast as a kick or snare decays, so that the beating of a decaying kick
// against the bass, or a snare's rattle, does not look like a new attack.
constexpr float kHoldFallPerSecond = 4;
// Detection peaks about this long after the attack starts (half a window
// and the lag); hit times are moved back by it.
constexpr double kDetectionDelay = 0.012;
// A snare's body must rise by this share of the recent peak body rise for
// its noise to count in full.
constexpr float kBodyGate = 0.3f;

}  // namespace

DrumDetector::Band::Band(const std::vector<float>& binHz, double lowHz, double highHz, bool perBin, float compression,
                         double hopSeconds, double peakFallSeconds, float minLevel)
    : perBin(perBin), compression(compression), minLevel(minLevel),
      peakFall(float(std::exp(-hopSeconds / peakFallSeconds))) {
  first = binHz.size(), end = 0;
  for (size_t k = 1; k < binHz.size(); ++k)
    if (binHz[k] >= lowHz && binHz[k] <= highHz) first = std::min(first, k), end = k + 1;
  if (end <= first) first = end = 0;  // a rate too low for the band: it never rises
  held.assign(perBin ? end - first : 1, 0.0f);
}

float DrumDetector::Band::rise(const float* magnitude, float amplitudeScale, float holdFall) {
  if (end == first) return 0;
  size_t width = end - first;
  double energy = 0;
  for (size_t k = first; k < end; ++k) energy += double(magnitude[k]) * magnitude[k];
  float level = float(std::sqrt(energy / double(width))) * amplitudeScale;
  peakLevel = std::max({level, peakLevel * peakFall, kSilence});
  const float toCompressed = compression / peakLevel;
  auto step = [&](float c, float& hold) {
    float r = std::max(0.0f, c - hold);
    hold = std::max(c, hold - holdFall);
    return r;
  };
  if (!perBin) {
    float r = step(std::log1p(level * toCompressed), held[0]);
    return level >= minLevel * peakLevel ? r : 0.0f;
  }
  float sum = 0;
  for (size_t i = 0; i < width; ++i) sum += step(std::log1p(magnitude[first + i] * amplitudeScale * toCompressed), held[i]);
  return sum / float(width);
}

DrumDetector::DrumDetector(const std::vector<float>& binHz, float amplitudeScale, double hopSeconds)
    : kick_(binHz, 40, 110, false, kKickCompression, hopSeconds, kKickPeakFallSeconds, kKickMinLevel),
      snareBody_(binHz, 180, 1000, true, kBroadbandCompression, hopSeconds, kPeakFallSeconds, 0),
      snareNoise_(binHz, 1000, 5000, true, kBroadbandCompression, hopSeconds, kPeakFallSeconds, 0),
      hat_(binHz, 6000, 16000, true, kBroadbandCompression, hopSeconds, kPeakFallSeconds, 0),
      amplitudeScale_(amplitudeScale),
      peakFall_(float(std::exp(-hopSeconds / kPeakFallSeconds))), holdFall_(float(kHoldFallPerSecond * hopSeconds)) {
  // A snare must reach 60 % of the recent snares (an open hat's noise
  // reaches half of a snare's); hats, often soft beside open hats, 10 %.
  const double minInterval[DrumKindCount] = {0.07, 0.05, 0.04};
  const float relativeFloor[DrumKindCount] = {0.2f, 0.6f, 0.1f};
  for (int kind = 0; kind < DrumKindCount; ++kind)
    pickers_[size_t(kind)] =
        OnsetPicker(OnsetPicker::Options{0.3, minInterval[kind], 1e-3f, relativeFloor[kind], kPeakFallSeconds});
}

void DrumDetector::process(const float* magnitude, double time, FeatureSnapshot& out) {
  auto rise = [&](Band& band) { return band.rise(magnitude, amplitudeScale_, holdFall_); };
  float kick = rise(kick_), body = rise(snareBody_), noise = rise(snareNoise_), hat = rise(hat_);
  // A snare is a noise burst with a body: its value is the noise band's rise,
  // gated by the body's (a hat has no body; a kick has body but little
  // noise, so its noise rise stays under the snares').
  bodyPeak_ = std::max(body, bodyPeak_ * peakFall_);
  float snare = noise * std::min(1.0f, body / std::max(1e-6f, kBodyGate * bodyPeak_));
  const std::array<float, DrumKindCount> values = {kick, snare, hat};
  for (int kind = 0; kind < DrumKindCount; ++kind) {
    size_t k = size_t(kind);
    float value = values[k];
    strengthPeak_[k] = std::max(value, strengthPeak_[k] * peakFall_);
    out.drumStrength[k] = strengthPeak_[k] > 1e-6f ? value / strengthPeak_[k] : 0.0f;
    out.drumHit[k] = pickers_[k].push(value, time);
    if (out.drumHit[k]) {
      out.drumHitTime[k] = pickers_[k].previousTime() - kDetectionDelay;
      out.drumHitStrength[k] = std::min(1.0f, previousValue_[k] / std::max(1e-6f, strengthPeak_[k]));
    }
    previousValue_[k] = value;
  }
}

}  // namespace afterimage::audio
