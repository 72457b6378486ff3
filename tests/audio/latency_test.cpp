// Latency from a sound to its snapshot, measured with an impulse, and the
// analysis cost in CPU time per second of audio.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "audio/offline_analysis.h"
#include "music_synth.h"

namespace afterimage::audio {
namespace {

// A click (a 1 ms burst at full scale) in silence, at `at` seconds, after
// quiet noise so the automatic gain has a level.
std::vector<float> clickAt(double at, int rate) {
  std::vector<float> x(size_t((at + 1.0) * rate), 0.0f);
  uint32_t seed = 1;
  for (size_t i = 0; i < size_t(at * rate); ++i) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = 0.001f * (float(seed >> 8) / float(1 << 24) - 0.5f);
  }
  size_t start = size_t(at * rate);
  for (size_t i = 0; i < size_t(rate / 1000); ++i) x[start + i] = (i % 2) ? -0.9f : 0.9f;
  return x;
}

TEST(Latency, ImpulseReachesTheSnapshotWithinOneHopPlusFifteenMilliseconds) {
  for (int rate : {44100, 48000}) {
    for (double offset : {0.0, 0.37, 0.81}) {  // the click at different places within a hop
      AnalyzerOptions options;
      options.sampleRate = rate;
      Analyzer analyzer(options);
      double at = 2.0 + offset * analyzer.hopSeconds();
      double levelAt = -1, onsetAt = -1;
      analyzeSamples(analyzer, clickAt(at, rate), [&](const FeatureSnapshot& s) {
        if (levelAt < 0 && s.time >= at && s.rmsDbfs > -20) levelAt = s.time;
        if (onsetAt < 0 && s.onset && s.time >= at) onsetAt = s.time;
      });
      ASSERT_GT(levelAt, 0);
      ASSERT_GT(onsetAt, 0) << "no onset for the click";
      double hop = analyzer.hopSeconds();
      std::printf("%d Hz, click %.2f hop in: level after %.1f ms, onset flag after %.1f ms (hop %.1f ms)\n", rate,
                  offset, 1000 * (levelAt - at), 1000 * (onsetAt - at), 1000 * hop);
      EXPECT_LE(levelAt - at, hop + 1e-9);
      EXPECT_LE(onsetAt - at, hop + 0.015);
    }
  }
}

TEST(Latency, AnalysisCostsUnderThreePercentOfACore) {
  testing::TrackSpec spec = testing::beatSet()[0];
  spec.seconds = 20;
  auto track = testing::synthesize(spec);
  // The best of three runs: the cost of the analysis, not of whatever
  // else shares the core's caches at the moment.
  double share = 1e9;
  int beats = 0;
  for (int run = 0; run < 3; ++run) {
    Analyzer analyzer;
    beats = 0;
    std::clock_t start = std::clock();
    analyzeSamples(analyzer, track.samples, [&](const FeatureSnapshot& s) { beats += s.beat; });
    share = std::min(share, double(std::clock() - start) / CLOCKS_PER_SEC / spec.seconds);
  }
  std::printf("analysis: %.1f ms CPU per second of audio (%.2f%% of one core, best of 3), %d beats\n", 1000 * share,
              100 * share, beats);
  EXPECT_GT(beats, 30);
  EXPECT_LT(share, 0.03);
}

}  // namespace
}  // namespace afterimage::audio
