// The causal analyzer on the project's labelled set: beat F-measure (70 ms
// window, first 5 s ignored) per track and mean, for beats as they happen
// and as predicted 60 ms ahead; onset F-measure (50 ms window) on the
// drum-only tracks. `audio_beat_eval --aubio` prints the same table beside
// aubio's own tracker.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "audio/offline_analysis.h"
#include "music_synth.h"

namespace afterimage::audio::testing {
namespace {

// With the beat-state tracker on its log-frequency flux (2026-12-06, 2-core
// VM) every track is at its annotated tempo except dnb_174 (F 0.66, at half:
// the tempo prior is flat from 88 to 144 BPM and falls off beyond, which on
// real music is worth more than this track; see issue 16); breakdown_128
// 0.73; mean 0.950, 60 ms ahead 0.939 (on the earlier three-group flux
// 0.899 / 0.893).
TEST(BeatTracking, LabelledSetMeanFMeasure) {
  const double kMeanFloor = 0.92, kLookaheadMeanFloor = 0.91, kTrackFloor = 0.6;
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

// The same set rendered at 48 kHz (the hop keeps its 5.8 ms): mean 0.949
// when measured (2026-12-06); the metrical-level decision on dnb is a
// close call.
TEST(BeatTracking, LabelledSetAt48kHzMeanFMeasure) {
  const double kMeanFloor = 0.90;
  double sum = 0;
  int count = 0;
  for (TrackSpec spec : beatSet()) {
    spec.sampleRate = 48000;
    LabelledTrack track = synthesize(spec);
    double f = fMeasure(beatTimes(track.samples, track.sampleRate), track.beats, 0.07, 5).fMeasure;
    std::printf("48 kHz %-26s %8.3f\n", track.name.c_str(), f);
    sum += f, ++count;
  }
  std::printf("48 kHz %-26s %8.3f\n", "MEAN", sum / count);
  EXPECT_GE(sum / count, kMeanFloor);
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

// Meter (3 or 4 beats to the bar) from the autocorrelation at 3 and 4
// beats; the downbeat from where the harmony (chords) changes.
TEST(BeatTracking, MeterAndDownbeatOfHouseAndWaltz) {
  for (const TrackSpec& spec : beatSet()) {
    if (spec.name != "house_124" && spec.name != "waltz_3_4_138") continue;
    int beatsPerBar = spec.pattern == "waltz" ? 3 : 4;
    LabelledTrack track = synthesize(spec);
    Analyzer analyzer;
    int downbeats = 0, right = 0, meterRight = 0, beats = 0;
    analyzeSamples(analyzer, track.samples, [&](const FeatureSnapshot& s) {
      if (s.time < 10 || !s.beat) return;
      ++beats;
      meterRight += s.beatsPerBar == beatsPerBar;
      if (s.beatInBar != 0) return;
      ++downbeats;
      size_t nearest = 0;
      for (size_t i = 0; i < track.beats.size(); ++i)
        if (std::abs(track.beats[i] - s.beatTime) < std::abs(track.beats[nearest] - s.beatTime)) nearest = i;
      right += nearest % size_t(beatsPerBar) == 0;
    });
    std::printf("%s: meter right on %d/%d beats, downbeat right %d/%d\n", track.name.c_str(), meterRight, beats, right,
                downbeats);
    EXPECT_EQ(meterRight, beats) << track.name;
    ASSERT_GT(downbeats, 0) << track.name;
    EXPECT_GE(double(right) / downbeats, 0.8) << track.name;
  }
}

// Syncopation, swing, 3/4 and tempo ramps beyond the labelled set (which
// has a swung hip-hop at 88, a waltz at 138, funk with the kick on the one
// and a 110 -> 135 ramp): the strongest onsets off the beat, swing at other
// tempi and on a rock beat, a slow waltz, a waltz that speeds up, ramps
// down and on rock. Floors a little under what the causal analyzer
// measured (2-core VM, 2026-12-06; F, AMLt, the metrical level found; in
// brackets the autocorrelation tracker of 2026-12-05):
//   offbeat_124         1.000 0.980 right  (0.649 half)
//   offbeat_100         0.988 0.952 right  (0.532 3:2)
//   rock_swung_100      1.000 0.976 right  (0.376 3:2)
//   hiphop_swung_96     1.000 0.975 right  (0.000 off-beat)
//   house_swung_120     1.000 0.980 right  (0.980)
//   waltz_84            1.000 0.971 right  (0.955)
//   waltz_ramp_120_150  1.000 0.982 right  (0.362 2:3)
//   ramp_135_to_110     1.000 0.980 right  (1.000)
//   ramp_rock_90_120    1.000 0.978 right  (0.907)
// The off-beat patterns (open hats and rims on every off-beat, louder
// than the kicks) are where the tracker's low-band rule shows: without it
// the flux of all bands puts the beat on the hats (offbeat_100 F 0.000);
// with the kick bands weighed 3x in the flux instead (the rule before),
// offbeat_100 0.927 and offbeat_124 at half tempo on the kicks (0.658).
TEST(BeatTracking, SyncopationSwingMeterAndRamps) {
  struct Case {
    const char* name;
    const char* pattern;
    double bpm, endBpm, swing;
    double fFloor, amltFloor;
  };
  const Case cases[] = {
      {"offbeat_124", "offbeat", 124, 0, -1, 0.95, 0.90},       {"offbeat_100", "offbeat", 100, 0, -1, 0.95, 0.90},
      {"rock_swung_100", "rock", 100, 0, 1.0 / 6, 0.90, 0.90},  {"hiphop_swung_96", "hiphop", 96, 0, -1, 0.80, 0.75},
      {"house_swung_120", "house", 120, 0, 1.0 / 6, 0.93, 0.90}, {"waltz_84", "waltz", 84, 0, -1, 0.90, 0.90},
      {"waltz_ramp_120_150", "waltz", 120, 150, -1, 0.90, 0.90}, {"ramp_135_to_110", "house", 135, 110, -1, 0.95, 0.90},
      {"ramp_rock_90_120", "rock", 90, 120, -1, 0.90, 0.90},
  };
  std::printf("%-22s %7s %7s  %s\n", "track", "F", "AMLt", "level");
  for (const Case& c : cases) {
    TrackSpec spec;
    spec.name = c.name, spec.pattern = c.pattern, spec.bpm = c.bpm, spec.endBpm = c.endBpm, spec.swing = c.swing;
    LabelledTrack track = synthesize(spec);
    std::vector<double> beats = beatTimes(track.samples, track.sampleRate);
    double f = fMeasure(beats, track.beats, 0.07, 5).fMeasure;
    double amlt = beatContinuity(beats, track.beats).amlt;
    std::printf("%-22s %7.3f %7.3f  %s\n", c.name, f, amlt, toString(metricalRelation(beats, track.beats)));
    EXPECT_GE(f, c.fFloor) << c.name;
    EXPECT_GE(amlt, c.amltFloor) << c.name;
  }
}

// A show's interface delivers 44.1 or 48 kHz, the public clips are mostly
// 22.05 kHz: the beat flux has its own ~46 ms window at every rate, so the
// same music gives the same beats. Before, it shared the 1024-sample
// analysis window (46 ms at 22.05 kHz, 21 ms at 48): the beats moved by
// ~7 ms from one rate to the next (the flux peaks a quarter window after
// an attack). Measured (2-core VM): +2.9 to +5.6 ms at every rate, the
// rates of one track within 1.4 ms (before: +10 ms at 22.05 kHz, +2.3 to
// +5.4 at 44.1 and 48).
TEST(BeatTracking, TheSameMusicIsTrackedAlikeAtEveryRate) {
  struct Case {
    const char* pattern;
    double bpm, swing;
  };
  for (const Case& c : {Case{"offbeat", 124, -1}, Case{"rock", 100, -1}, Case{"hiphop", 96, -1}}) {
    double lowest = 1e9, highest = -1e9;
    for (int rate : {22050, 44100, 48000}) {
      TrackSpec spec;
      spec.name = c.pattern, spec.pattern = c.pattern, spec.bpm = c.bpm, spec.swing = c.swing, spec.sampleRate = rate;
      LabelledTrack track = synthesize(spec);
      std::vector<double> beats = beatTimes(track.samples, track.sampleRate);
      double f = fMeasure(beats, track.beats, 0.07, 5).fMeasure;
      double sum = 0;
      int matched = 0;
      for (double b : beats) {
        if (b < 5) continue;
        double nearest = 1e9;
        for (double a : track.beats) nearest = std::abs(b - a) < std::abs(nearest) ? b - a : nearest;
        if (std::abs(nearest) < 0.07) sum += nearest, ++matched;
      }
      double offset = matched ? sum / matched : 0.0;
      std::printf("%-8s %3.0f BPM at %5d Hz: F %.3f, beats %+.1f ms from the annotations\n", c.pattern, c.bpm, rate, f,
                  offset * 1000);
      EXPECT_GE(f, 0.95) << c.pattern << " at " << rate;
      // The drums' attacks are the annotations: within a frame at 120 fps.
      EXPECT_NEAR(offset, 0.0, 0.008) << c.pattern << " at " << rate;
      lowest = std::min(lowest, offset), highest = std::max(highest, offset);
    }
    EXPECT_LT(highest - lowest, 0.003) << c.pattern;
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
