// LogFilteredFlux on made-up magnitude frames: bands spaced in octaves (the
// low octaves merged where bins are coarse), no flux from a steady
// spectrum or a falling one, a rise weighed per band, not per bin, and
// the low bands' part of the flux kept apart.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "audio/log_filtered_flux.h"

namespace afterimage::audio {
namespace {

std::vector<float> binFrequencies(int window = 1024, double rate = 44100) {
  std::vector<float> hz(size_t(window / 2 + 1));
  for (size_t k = 0; k < hz.size(); ++k) hz[k] = float(double(k) * rate / window);
  return hz;
}

TEST(LogFilteredFlux, BandsAreSpacedInOctavesAndMergedWhereBinsAreCoarse) {
  const auto hz = binFrequencies();
  LogFilteredFlux flux(hz, {});
  // 30 Hz to 17 kHz is 9.1 octaves (~110 bands at 12 per octave), but the
  // 43 Hz bins hold only a few bands in the lowest octaves.
  EXPECT_GT(flux.bands(), 60);
  EXPECT_LT(flux.bands(), 100);
  LogFilteredFlux coarse(hz, {.bandsPerOctave = 3});
  EXPECT_LT(coarse.bands(), 30);
}

TEST(LogFilteredFlux, SteadyOrFallingSpectraGiveNoFlux) {
  const auto hz = binFrequencies();
  LogFilteredFlux flux(hz, {});
  std::vector<float> frame(hz.size(), 0.3f);
  flux.process(frame.data(), 1.0);
  EXPECT_NEAR(flux.process(frame.data(), 1.0), 0.0f, 1e-6f);
  for (float& m : frame) m *= 0.5f;
  EXPECT_NEAR(flux.process(frame.data(), 1.0), 0.0f, 1e-6f);
}

TEST(LogFilteredFlux, ARiseCountsPerBandWhateverItsWidthInBins) {
  const auto hz = binFrequencies();
  const LogFilteredFlux::Options options{.compression = 10};
  // The same rise in every bin of one octave, low (kick) or high (hats):
  // the high octave spans ~40x the bins but weighs the same.
  auto octaveRise = [&](double lowHz) {
    LogFilteredFlux flux(hz, options);
    std::vector<float> frame(hz.size(), 0.0f);
    flux.process(frame.data(), 1.0);
    for (size_t k = 0; k < hz.size(); ++k)
      if (hz[k] >= lowHz && hz[k] < 2 * lowHz) frame[k] = 1.0f;
    return flux.process(frame.data(), 1.0);
  };
  const float low = octaveRise(160), high = octaveRise(5000);
  EXPECT_GT(low, 0.5f * float(std::log10(11.0)));
  EXPECT_NEAR(high / (12 * std::log10(11.0)), 1.0, 0.2);  // 12 bands, each log10(1 + 10)
  EXPECT_LT(high / low, 4.0f);                           // per bin it would be ~30x
}

// A kick (60-120 Hz) is all low flux; hats (5-10 kHz) are flux with no
// low part; both at once: the low part is the kick's alone.
TEST(LogFilteredFlux, KeepsTheLowBandsPartApart) {
  const auto hz = binFrequencies();
  auto rise = [&](std::initializer_list<double> octaves) {
    LogFilteredFlux flux(hz, {});
    std::vector<float> frame(hz.size(), 0.0f);
    flux.process(frame.data(), 1.0);
    for (double from : octaves)
      for (size_t k = 0; k < hz.size(); ++k)
        if (hz[k] >= from && hz[k] < 2 * from) frame[k] = 1.0f;
    float total = flux.process(frame.data(), 1.0);
    return std::pair{total, flux.lowFlux()};
  };
  const auto [kick, kickLow] = rise({60});
  const auto [hats, hatsLow] = rise({5000});
  const auto [both, bothLow] = rise({60, 5000});
  EXPECT_GT(kickLow, 0.0f);
  EXPECT_NEAR(kickLow, kick, 1e-5f);
  EXPECT_GT(hats, 0.0f);
  EXPECT_EQ(hatsLow, 0.0f);
  EXPECT_NEAR(both, kick + hats, 1e-4f);
  EXPECT_NEAR(bothLow, kickLow, 1e-5f);
}

TEST(LogFilteredFlux, ComparesWithTheSpectrumDiffFramesAgo) {
  const auto hz = binFrequencies();
  LogFilteredFlux flux(hz, {.diffFrames = 2});
  std::vector<float> quiet(hz.size(), 0.0f), loud(hz.size(), 1.0f);
  flux.process(quiet.data(), 1.0);
  flux.process(quiet.data(), 1.0);
  const float first = flux.process(loud.data(), 1.0);
  EXPECT_GT(first, 0.0f);
  EXPECT_NEAR(flux.process(loud.data(), 1.0), first, 1e-5f);  // still against a quiet frame two back
  EXPECT_NEAR(flux.process(loud.data(), 1.0), 0.0f, 1e-6f);
}

TEST(LogFilteredFlux, RejectsOptionsThatMakeNoBands) {
  const auto hz = binFrequencies();
  EXPECT_THROW(LogFilteredFlux(hz, {.bandsPerOctave = 0}), std::invalid_argument);
  EXPECT_THROW(LogFilteredFlux(hz, {.minHz = 500, .maxHz = 400}), std::invalid_argument);
  EXPECT_THROW(LogFilteredFlux(hz, {.diffFrames = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::audio
