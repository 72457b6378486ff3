// Levels: the beat confidence follows the beat evidence, not the loudness
// (a -30 dB passage whose drums go on keeps it; a breakdown without drums
// lowers it), the automatic gain does not overshoot when the level comes
// back after a quiet passage, and a burst of NaN / infinite samples does
// not stop the analysis.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "audio/beat_evaluation.h"
#include "audio/offline_analysis.h"
#include "music_synth.h"

namespace afterimage::audio {
namespace {

constexpr double kQuietFrom = 12, kQuietTo = 22;
// The first hops after the level returns cannot tell the music's return
// from one loud hit (the analyzer is causal); after this long they can.
constexpr double kCatchUp = 0.5;

// House at 124 BPM, 34 s, with [12, 22) s 30 dB quieter: drums go on.
std::vector<float> trackWithQuietPassage() {
  testing::TrackSpec spec = testing::beatSet()[0];
  spec.seconds = 34;
  testing::LabelledTrack track = testing::synthesize(spec);
  const float quiet = float(std::pow(10.0, -30.0 / 20));
  for (size_t i = size_t(kQuietFrom * track.sampleRate); i < size_t(kQuietTo * track.sampleRate); ++i)
    track.samples[i] *= quiet;
  return track.samples;
}

TEST(Levels, ConfidenceStaysUpThroughAQuietPassageWhoseDrumsGoOn) {
  Analyzer analyzer;
  double lowest = 1;
  analyzeSamples(analyzer, trackWithQuietPassage(), [&](const FeatureSnapshot& s) {
    if (s.time > kQuietFrom + 2 && s.time < kQuietTo) lowest = std::min(lowest, double(s.confidence));
  });
  std::printf("lowest confidence in the -30 dB passage: %.3f\n", lowest);
  EXPECT_GE(lowest, 0.5);
}

// A driver glitch or a broken file can deliver NaN, infinite or huge
// samples for a moment. The analysis must come back when the music does:
// levels finite, the beat and the bar (house: 4/4, the downbeat on the
// chord change) followed again.
TEST(Levels, ABurstOfNonFiniteSamplesDoesNotStopTheAnalysis) {
  testing::TrackSpec spec = testing::beatSet()[0];  // house_124
  spec.seconds = 40;
  testing::LabelledTrack track = testing::synthesize(spec);
  const float bad[] = {NAN, INFINITY, -INFINITY, 1e30f};
  for (size_t i = size_t(12.0 * track.sampleRate); i < size_t(12.5 * track.sampleRate); ++i)
    track.samples[i] = bad[i % 4];
  Analyzer analyzer;
  bool finite = true;
  std::vector<double> beats, downbeats;
  analyzeSamples(analyzer, track.samples, [&](const FeatureSnapshot& s) {
    if (s.time < 20) return;
    for (float v : {s.rms, s.loudness, s.flux, s.onsetStrength, s.bpm, s.confidence, s.beatPhase, s.barPosition})
      finite = finite && std::isfinite(v);
    if (s.beat) beats.push_back(s.beatTime);
    if (s.beat && s.beatInBar == 0) downbeats.push_back(s.beatTime);
  });
  EXPECT_TRUE(finite);
  std::vector<double> annotatedDownbeats;
  for (size_t i = 0; i < track.beats.size(); i += 4) annotatedDownbeats.push_back(track.beats[i]);
  double f = beatFMeasure(beats, track.beats, 0.07, 25).fMeasure;
  double downbeatF = beatFMeasure(downbeats, annotatedDownbeats, 0.07, 25).fMeasure;
  std::printf("after the burst: beat F %.3f, downbeat F %.3f (from 25 s)\n", f, downbeatF);
  EXPECT_GE(f, 0.9);
  EXPECT_GE(downbeatF, 0.8);
}

TEST(Levels, ConfidenceFallsInABreakdownWithoutDrums) {
  testing::TrackSpec spec = testing::beatSet()[10];  // breakdown_128: drums silent in [12, 22)
  ASSERT_EQ(spec.name, "breakdown_128");
  testing::LabelledTrack track = testing::synthesize(spec);
  Analyzer analyzer;
  double before = 0, end = 0;
  analyzeSamples(analyzer, track.samples, [&](const FeatureSnapshot& s) {
    if (s.time > 10 && s.time < 12) before = std::max(before, double(s.confidence));
    if (s.time < 22) end = s.confidence;
  });
  std::printf("confidence before the breakdown %.3f, at its end %.3f\n", before, end);
  EXPECT_LT(end, 0.6 * before);
}

TEST(Levels, LoudnessDoesNotOvershootWhenTheLevelReturns) {
  Analyzer analyzer;
  double before = 0, after = 0;
  int beforeCount = 0;
  analyzeSamples(analyzer, trackWithQuietPassage(), [&](const FeatureSnapshot& s) {
    if (s.time > kQuietFrom - 4 && s.time < kQuietFrom) before += s.loudness, ++beforeCount;
    if (s.time > kQuietTo + kCatchUp && s.time < kQuietTo + 4) after = std::max(after, double(s.loudness));
  });
  before /= beforeCount;
  double peakBefore = 0;
  Analyzer reference;
  analyzeSamples(reference, trackWithQuietPassage(), [&](const FeatureSnapshot& s) {
    if (s.time > kQuietFrom - 4 && s.time < kQuietFrom) peakBefore = std::max(peakBefore, double(s.loudness));
  });
  double overshoot = after / peakBefore;
  std::printf("loudness peak after the quiet passage / before: %.2f (mean before %.2f)\n", overshoot, before);
  EXPECT_LT(overshoot, 1.5);
}

}  // namespace
}  // namespace afterimage::audio
