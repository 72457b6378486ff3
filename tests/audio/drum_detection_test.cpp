// Drums by kind on synthesized music with known hit times: kick, snare and
// hat hits (50 ms window, the onset convention) per track and over the set,
// and kicks that a simultaneous broadband hit (a crash, a clap) covers.
#include <gtest/gtest.h>

#include <cstdio>

#include "audio/offline_analysis.h"
#include "music_synth.h"

namespace afterimage::audio::testing {
namespace {

constexpr const char* kKindNames[DrumKindCount] = {"kick", "snare", "hat"};

struct Hits {
  std::array<std::vector<double>, DrumKindCount> byKind;
};

Hits detectDrums(const LabelledTrack& track) {
  AnalyzerOptions options;
  options.sampleRate = track.sampleRate;
  Analyzer analyzer(options);
  Hits hits;
  analyzeSamples(analyzer, track.samples, [&](const FeatureSnapshot& s) {
    for (int k = 0; k < DrumKindCount; ++k)
      if (s.drumHit[size_t(k)]) hits.byKind[size_t(k)].push_back(s.drumHitTime[size_t(k)]);
  });
  return hits;
}

const std::vector<double>& truthOf(const LabelledTrack& track, int kind) {
  return kind == Kick ? track.kicks : kind == Snare ? track.snares : track.hats;
}

struct Totals {
  int matched = 0, detections = 0, annotations = 0;
  void add(const Score& s) { matched += s.matched, detections += s.detections, annotations += s.annotations; }
  double precision() const { return detections ? double(matched) / detections : 0; }
  double recall() const { return annotations ? double(matched) / annotations : 0; }
};

// The beat set's tracks (bass and chords with the drums), 20 s each.
std::vector<TrackSpec> drumSet() {
  std::vector<TrackSpec> set;
  for (TrackSpec spec : beatSet()) {
    if (spec.breakdownFrom >= 0 || spec.peakDbfs < -20 || spec.endBpm > 0) continue;
    spec.seconds = 20;
    set.push_back(spec);
  }
  for (TrackSpec spec : drumOnlySet()) set.push_back(spec);
  return set;
}

// Floors a little under the measured figures (2-core VM, 2026-12-05: kick
// P 1.00 R 0.98, snare P 0.50 R 0.84, hat P 0.74 R 0.71). Most false
// snares are a kick and a hat together (the kick's body, the hat's noise);
// a higher snare threshold removes them but misses a build-up's soft first
// roll. Hats under a snare are not told apart from the snare's own noise;
// the 6 dB noisy track is the weakest.
TEST(DrumDetection, KicksSnaresAndHatsOfTheLabelledSet) {
  const double kPrecisionFloor[DrumKindCount] = {0.95, 0.45, 0.70};
  const double kRecallFloor[DrumKindCount] = {0.95, 0.80, 0.65};
  std::array<Totals, DrumKindCount> totals;
  std::printf("%-24s %17s %17s %17s\n", "track (P/R)", "kick", "snare", "hat");
  for (const TrackSpec& spec : drumSet()) {
    LabelledTrack track = synthesize(spec);
    Hits hits = detectDrums(track);
    std::printf("%-24s", track.name.c_str());
    for (int k = 0; k < DrumKindCount; ++k) {
      Score s = fMeasure(hits.byKind[size_t(k)], truthOf(track, k), 0.05, 1.0);
      totals[size_t(k)].add(s);
      std::printf("      %5.2f/%5.2f", s.precision, s.recall);
    }
    std::printf("\n");
  }
  std::printf("%-24s", "ALL");
  for (int k = 0; k < DrumKindCount; ++k)
    std::printf("      %5.2f/%5.2f", totals[size_t(k)].precision(), totals[size_t(k)].recall());
  std::printf("\n");
  for (int k = 0; k < DrumKindCount; ++k) {
    EXPECT_GE(totals[size_t(k)].precision(), kPrecisionFloor[k]) << kKindNames[k];
    EXPECT_GE(totals[size_t(k)].recall(), kRecallFloor[k]) << kKindNames[k];
  }
}

TEST(DrumDetection, KicksUnderSimultaneousBroadbandHits) {
  TrackSpec spec;
  spec.name = "masked_124", spec.pattern = "masked", spec.bpm = 124, spec.seconds = 20;
  LabelledTrack track = synthesize(spec);
  Hits hits = detectDrums(track);
  Score s = fMeasure(hits.byKind[Kick], track.kicks, 0.05, 1.0);
  std::printf("kicks under crashes and claps: P %.3f R %.3f (%d of %d)\n", s.precision, s.recall, s.matched,
              s.annotations);
  EXPECT_GE(s.recall, 0.9);
  EXPECT_GE(s.precision, 0.9);  // the crashes off the beat are not kicks
}

}  // namespace
}  // namespace afterimage::audio::testing
