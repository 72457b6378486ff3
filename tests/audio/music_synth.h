// The labelled test set: short pieces of music synthesized here, at test
// time, with exactly known beat and drum-hit times (drums, bass, chords;
// several tempi and meters, swing, syncopation, a tempo ramp, a breakdown
// without drums, quiet and noisy versions). No audio files are committed.
#pragma once
#include <string>
#include <vector>

namespace afterimage::audio::testing {

struct LabelledTrack {
  std::string name;
  int sampleRate = 44100;
  std::vector<float> samples;  // mono
  std::vector<double> beats;   // seconds
  std::vector<double> hits;    // drum onsets, seconds (merged within 30 ms)
};

struct TrackSpec {
  std::string name;
  std::string pattern;            // "house", "rock", "dnb", "hiphop", "waltz", "funk", "dembow", "punk", "slow"
  double bpm = 120;
  double endBpm = 0;              // > 0: linear tempo ramp from bpm to endBpm
  double seconds = 30;
  bool drums = true;
  bool tonal = true;              // bass and chords
  double breakdownFrom = -1;      // drums silent in [breakdownFrom, breakdownTo)
  double breakdownTo = -1;
  double peakDbfs = -3;
  double noiseSnrDb = 0;          // > 0: add noise at this signal-to-noise ratio
  int sampleRate = 44100;
  unsigned seed = 1;
};

LabelledTrack synthesize(const TrackSpec& spec);

// The beat-tracking set (beat F-measure) and the drum-only onset set.
std::vector<TrackSpec> beatSet();
std::vector<TrackSpec> drumOnlySet();

// F-measure of detections against annotations with a +-window match, both
// lists ignoring times before `ignoreBefore` seconds.
struct Score {
  double fMeasure = 0, precision = 0, recall = 0;
  int matched = 0, detections = 0, annotations = 0;
};
Score fMeasure(const std::vector<double>& detections, const std::vector<double>& annotations, double window,
               double ignoreBefore);

}  // namespace afterimage::audio::testing
