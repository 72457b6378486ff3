// Music synthesized by the project with exactly known beat and drum-hit
// times (drums, bass, chords; several patterns, tempi and meters, swing, a
// tempo ramp, breakdowns, silence, quiet and noisy versions): the labelled
// test set and the demo track. No audio files are committed.
#pragma once
#include <string>
#include <vector>

namespace afterimage::audio {

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
  double silenceFrom = -1;        // everything silent in [silenceFrom, silenceTo)
  double silenceTo = -1;
  double peakDbfs = -3;
  double noiseSnrDb = 0;          // > 0: add noise at this signal-to-noise ratio
  int sampleRate = 44100;
  unsigned seed = 1;
};

LabelledTrack synthesize(const TrackSpec& spec);

// The demo track: 16 s of house at 124 BPM with a breakdown and two
// seconds of silence, for `./afterimage.sh demo` and the render tests.
TrackSpec demoTrack();

}  // namespace afterimage::audio
