#include "audio/resample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace afterimage::audio {
namespace {

std::vector<float> tone(double hz, int rate, double seconds) {
  std::vector<float> s(size_t(seconds * rate));
  for (size_t i = 0; i < s.size(); ++i) s[i] = float(std::sin(2 * std::numbers::pi * hz * double(i) / rate));
  return s;
}

// Largest difference from the ideal tone at the new rate, away from the
// ends (where the kernel runs out of samples).
double errorAgainstTone(const std::vector<float>& out, double hz, int rate) {
  double worst = 0;
  for (size_t i = size_t(rate / 100); i + size_t(rate / 100) < out.size(); ++i)
    worst = std::max(worst, std::abs(out[i] - std::sin(2 * std::numbers::pi * hz * double(i) / rate)));
  return worst;
}

double rms(const std::vector<float>& s) {
  double sum = 0;
  for (float v : s) sum += double(v) * v;
  return std::sqrt(sum / double(s.size()));
}

TEST(Resample, KeepsATonesShapeUpAndDown) {
  // Tolerance: the Blackman-windowed kernel's passband ripple, well under 1e-3.
  for (auto [from, to] : {std::pair{22050, 44100}, std::pair{44100, 48000}, std::pair{48000, 44100}, std::pair{96000, 44100}}) {
    auto out = resample(tone(1000, from, 0.5), from, to);
    EXPECT_NEAR(double(out.size()), 0.5 * to, 1.0) << from << " -> " << to;
    EXPECT_LT(errorAgainstTone(out, 1000, to), 1e-3) << from << " -> " << to;
  }
  // Near the top of the passband (9 kHz of 11.025) the window's transition
  // begins: within half a percent there.
  EXPECT_LT(errorAgainstTone(resample(tone(9000, 22050, 0.5), 22050, 44100), 9000, 44100), 5e-3);
}

TEST(Resample, RemovesWhatTheNewRateCannotHold) {
  // 30 kHz at 96 kHz has no place at 44.1 kHz: it must not fold down to 14.1 kHz.
  auto out = resample(tone(30000, 96000, 0.5), 96000, 44100);
  EXPECT_LT(rms(out), 0.01 * std::sqrt(0.5));
}

TEST(Resample, SameRateIsACopyAndBadRatesAreRefused) {
  std::vector<float> s = {0.1f, -0.2f, 0.3f};
  EXPECT_EQ(resample(s, 44100, 44100), s);
  EXPECT_THROW(resample(s, 0, 44100), std::invalid_argument);
  EXPECT_THROW(resample(s, 44100, -1), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::audio
