// The causal analyzer on the project's labelled set: beat F-measure (70 ms
// window, first 5 s ignored) per track and mean, for beats as they happen
// and as predicted 60 ms ahead; onset F-measure (50 ms window) on the
// drum-only tracks. `audio_beat_eval --aubio` prints the same table beside
// aubio's own tracker.
#include <gtest/gtest.h>

#include <cstdio>

#include "audio/offline_analysis.h"
#include "music_synth.h"

namespace afterimage::audio::testing {
namespace {

TEST(BeatTracking, LabelledSetMeanFMeasure) {
  const double kMeanFloor = 0.90, kLookaheadMeanFloor = 0.85, kTrackFloor = 0.75;
  double sum = 0, lookaheadSum = 0;
  int count = 0;
  std::printf("%-26s %8s %8s\n", "track", "causal", "look 60");
  for (const TrackSpec& spec : beatSet()) {
    LabelledTrack track = synthesize(spec);
    // One pass gives both: the beat flags and a 60 ms lookahead scheduler.
    AnalyzerOptions options;
    options.sampleRate = track.sampleRate;
    Analyzer analyzer(options);
    BeatScheduler scheduler(0.060);
    std::vector<double> beats, predicted;
    analyzeSamples(analyzer, track.samples, [&](const FeatureSnapshot& s) {
      if (s.beat) beats.push_back(s.beatTime);
      if (auto b = scheduler.poll(analyzer.beatClock(), s.time, analyzer.hopSeconds())) predicted.push_back(b->time);
    });
    double f = fMeasure(beats, track.beats, 0.07, 5).fMeasure;
    double fl = fMeasure(predicted, track.beats, 0.07, 5).fMeasure;
    std::printf("%-26s %8.3f %8.3f\n", track.name.c_str(), f, fl);
    EXPECT_GE(f, kTrackFloor) << track.name;
    sum += f, lookaheadSum += fl, ++count;
  }
  std::printf("%-26s %8.3f %8.3f\n", "MEAN", sum / count, lookaheadSum / count);
  EXPECT_GE(sum / count, kMeanFloor);
  EXPECT_GE(lookaheadSum / count, kLookaheadMeanFloor);
}

TEST(BeatTracking, DrumOnlyOnsetFMeasure) {
  const double kFloor = 0.90;
  for (const TrackSpec& spec : drumOnlySet()) {
    LabelledTrack track = synthesize(spec);
    Score s = fMeasure(onsetTimes(track.samples, track.sampleRate), track.hits, 0.05, 0);
    std::printf("onsets %-18s F %.3f (P %.3f R %.3f)\n", track.name.c_str(), s.fMeasure, s.precision, s.recall);
    EXPECT_GE(s.fMeasure, kFloor) << track.name;
  }
}

TEST(BeatTracking, FMeasureCountsMatchesWithinTheWindowOnce) {
  std::vector<double> truth = {1, 2, 3, 4, 5, 6};
  Score s = fMeasure({1.05, 2.2, 3.0, 3.01, 6.0}, truth, 0.07, 1.5);
  // After 1.5 s: truth 2..6 (5), detections 2.2, 3.0, 3.01, 6.0 (4); matched 3.0 and 6.0.
  EXPECT_EQ(s.annotations, 5);
  EXPECT_EQ(s.detections, 4);
  EXPECT_EQ(s.matched, 2);
  EXPECT_NEAR(s.fMeasure, 2 * 0.5 * 0.4 / 0.9, 1e-9);
}

}  // namespace
}  // namespace afterimage::audio::testing
