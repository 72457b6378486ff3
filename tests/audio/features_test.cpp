// Loudness, bands and automatic gain: quiet and loud versions of a track
// drive the features alike; bands land where the energy is; envelope
// followers rise and fall with their time constants.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "audio/envelope_follower.h"
#include "audio/offline_analysis.h"
#include "music_synth.h"

namespace afterimage::audio {
namespace {

std::vector<float> sine(double hz, double amplitude, double seconds, int rate = 44100) {
  std::vector<float> x(size_t(seconds * rate));
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(amplitude * std::sin(2 * M_PI * hz * double(i) / rate));
  return x;
}

// Mean of each band over the snapshots after `from` seconds.
std::array<double, BandCount> meanBands(const std::vector<float>& samples, double from, double* loudness = nullptr) {
  Analyzer analyzer;
  std::array<double, BandCount> sum{};
  double loud = 0;
  int n = 0;
  analyzeSamples(analyzer, samples, [&](const FeatureSnapshot& s) {
    if (s.time < from) return;
    for (int b = 0; b < BandCount; ++b) sum[size_t(b)] += s.bands[size_t(b)];
    loud += s.loudness;
    ++n;
  });
  for (double& v : sum) v /= n;
  if (loudness) *loudness = loud / n;
  return sum;
}

TEST(Features, QuietAndLoudVersionsGiveTheSameBandsAfterFiveSeconds) {
  testing::TrackSpec spec = testing::beatSet()[0];  // house
  spec.seconds = 12;
  spec.peakDbfs = -3;
  auto loud = testing::synthesize(spec);
  spec.peakDbfs = -30;
  auto quiet = testing::synthesize(spec);
  double loudLevel, quietLevel;
  auto a = meanBands(loud.samples, 5, &loudLevel), b = meanBands(quiet.samples, 5, &quietLevel);
  const double kTolerance = 0.10;
  for (int band = 0; band < BandCount; ++band) {
    double relative = std::abs(a[size_t(band)] - b[size_t(band)]) / a[size_t(band)];
    std::printf("band %d: -3 dBFS %.4f, -30 dBFS %.4f, difference %.2f%%\n", band, a[size_t(band)], b[size_t(band)],
                100 * relative);
    EXPECT_LT(relative, kTolerance) << "band " << band;
  }
  EXPECT_NEAR(quietLevel / loudLevel, 1.0, kTolerance);
}

TEST(Features, BandsAndCentroidFollowTheFrequency) {
  struct Case {
    double hz;
    Band band;
  };
  for (Case c : {Case{40, Sub}, Case{120, Low}, Case{800, Mid}, Case{6000, High}}) {
    Analyzer analyzer;
    FeatureSnapshot last;
    analyzeSamples(analyzer, sine(c.hz, 0.3, 1.0), [&](const FeatureSnapshot& s) {
      if (s.time < 0.9) last = s;  // not the last hop, padded with silence
    });
    int loudest = int(std::max_element(last.bands.begin(), last.bands.end()) - last.bands.begin());
    EXPECT_EQ(loudest, c.band) << c.hz << " Hz";
    if (c.hz >= 800) {
      EXPECT_NEAR(last.centroidHz, c.hz, 0.15 * c.hz) << c.hz << " Hz";
    }
  }
}

// 192 kHz files were refused ("hopSize must be positive and at most
// windowSize"): the rate-scaled hop outgrew the fixed window.
TEST(Features, AnyUsualSampleRateIsAnalysedAndBandsLandAlike) {
  for (int rate : {8000, 22050, 48000, 96000, 192000}) {
    AnalyzerOptions options;
    options.sampleRate = rate;
    Analyzer analyzer(options);
    FeatureSnapshot last;
    int snapshots = 0;
    analyzeSamples(analyzer, sine(800, 0.3, 1.0, rate), [&](const FeatureSnapshot& s) {
      if (s.time < 0.9) last = s;
      ++snapshots;
    });
    EXPECT_GT(snapshots, 100) << rate << " Hz";
    int loudest = int(std::max_element(last.bands.begin(), last.bands.end()) - last.bands.begin());
    EXPECT_EQ(loudest, Mid) << rate << " Hz";
  }
  AnalyzerOptions absurd;
  absurd.sampleRate = 0;
  EXPECT_THROW(Analyzer{absurd}, std::invalid_argument);
}

TEST(Features, RmsAndPerceptualLevelOfAOneKilohertzSine) {
  Analyzer analyzer;
  FeatureSnapshot last;
  analyzeSamples(analyzer, sine(1000, 0.5, 1.0), [&](const FeatureSnapshot& s) {
    if (s.time < 0.9) last = s;
  });
  double expected = 20 * std::log10(0.5 / std::sqrt(2.0));  // -9.03 dBFS
  EXPECT_NEAR(last.rmsDbfs, expected, 0.1);
  EXPECT_NEAR(last.perceptualDb, expected, 1.0) << "A-weighting is 0 dB at 1 kHz";
  EXPECT_NEAR(last.loudness, 1.0, 0.05) << "a steady tone sits at the running level";
}

TEST(Features, SilenceStaysAtRestAndIsNotAmplified) {
  Analyzer analyzer;
  FeatureSnapshot last;
  analyzeSamples(analyzer, sine(200, 0.3, 2.0), [](const FeatureSnapshot&) {});
  analyzeSamples(analyzer, std::vector<float>(44100 * 2, 0.0f), [&](const FeatureSnapshot& s) { last = s; });
  EXPECT_LT(last.loudness, 1e-6);
  EXPECT_LT(last.bands[Low], 1e-6);
  EXPECT_FALSE(last.onset);
}

TEST(EnvelopeFollower, AttackAndReleaseTimeConstants) {
  EnvelopeFollower env(0.01, 0.5);
  double v = 0;
  for (int i = 0; i < 10; ++i) v = env.process(1.0, 0.001);  // one attack time constant
  EXPECT_NEAR(v, 1 - std::exp(-1.0), 1e-6);
  for (int i = 0; i < 500; ++i) v = env.process(0.0, 0.001);  // one release time constant
  EXPECT_NEAR(v, (1 - std::exp(-1.0)) * std::exp(-1.0), 1e-6);
}

}  // namespace
}  // namespace afterimage::audio
