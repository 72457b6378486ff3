// The analyzer run over a whole file or buffer as fast as possible (offline
// render, the `analyze` command, tests): the same causal code as live.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "audio/analyzer.h"
#include "audio/beat_scheduler.h"

namespace afterimage::audio {

// Feeds samples hop by hop (the last partial hop padded with silence) and
// calls `each` after every hop.
void analyzeSamples(Analyzer& analyzer, const std::vector<float>& samples,
                    const std::function<void(const FeatureSnapshot&)>& each);

// Beats fired by a BeatScheduler with the given lookahead (0: each beat in
// the hop it falls in, as the snapshot's beat flag says).
std::vector<ScheduledBeat> scheduledBeats(const std::vector<float>& samples, int sampleRate, double lookaheadSeconds,
                                          AnalyzerOptions options = {});
std::vector<double> beatTimes(const std::vector<float>& samples, int sampleRate, double lookaheadSeconds = 0,
                              AnalyzerOptions options = {});
// The beats as they happen (lookahead 0) and the bars the analyzer counts
// over them: the beats it calls downbeats, the bar length (beats) it
// reports on most beats after `settleSeconds`, and how often after that the
// count jumps (a beat's place in the bar is not the one after the last's:
// what a show's bar-locked effects would stutter on).
struct TrackedBars {
  std::vector<double> beats, downbeats;
  int beatsPerBar = 0;
  int barJumps = 0;
  int subdivision = 0;  // the beat in 2 or 3, as most beats after the settling time said
};
TrackedBars trackBars(const std::vector<float>& samples, int sampleRate, AnalyzerOptions options = {},
                      double settleSeconds = 5.0);
std::vector<double> onsetTimes(const std::vector<float>& samples, int sampleRate, AnalyzerOptions options = {});

}  // namespace afterimage::audio
