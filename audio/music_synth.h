// Music synthesized by the project with exactly known beat and drum-hit
// times (drums, bass, chords; several patterns, tempi and meters, swing, a
// tempo ramp, breakdowns, silence, quiet and noisy versions) and, for
// arrangements, known sections (intro, build-up with a snare roll and a
// noise riser, drop, breakdown): the labelled test set and the demo track.
// No audio files are committed.
#pragma once
#include <string>
#include <vector>

namespace afterimage::audio {

enum class SectionKind { Intro, Buildup, Drop, Breakdown, Outro };

struct SectionMark {
  double time = 0;  // seconds
  SectionKind kind = SectionKind::Intro;
};

struct LabelledTrack {
  std::string name;
  int sampleRate = 44100;
  std::vector<float> samples;  // mono
  std::vector<double> beats;   // seconds
  std::vector<int> beatPlaces;  // each beat's place in its bar, 1 the downbeat
  std::vector<double> hits;    // drum onsets, seconds (merged within 30 ms)
  // The same hits by kind (each merged within 30 ms): kicks (sub kicks
  // too), snares (claps and rims too), hats (closed and open). Crashes,
  // the broadband hits, are in `hits` only.
  std::vector<double> kicks, snares, hats;
  std::vector<SectionMark> sections;  // an arrangement's sections, in order
};

// One part of an arrangement: what plays, for how many bars.
//   intro, outro: kick and hats, quiet chords; build-up: chords, a snare roll
//   (quarters, then eighths, then sixteenths, rising) and a noise riser, no
//   kick and no bass; drop: everything; breakdown: chords only.
struct SectionSpec {
  SectionKind kind = SectionKind::Drop;
  int bars = 8;
};

struct TrackSpec {
  std::string name;
  // "house", "rock", "dnb", "hiphop", "waltz", "sixeight" (6/8: two beats of
  // three eighths a bar), "funk", "dembow", "punk", "slow",
  // "offbeat" (kick on 1 and 3 only, loud open hats and rims off the beat),
  // "masked" (a sub-only kick on every beat, each under a broadband hit: a
  // crash or a clap; crashes off the beat too)
  std::string pattern;
  double bpm = 120;
  double endBpm = 0;              // > 0: linear tempo ramp from bpm to endBpm
  double seconds = 30;
  bool drums = true;
  bool tonal = true;              // bass and chords
  double breakdownFrom = -1;      // drums silent in [breakdownFrom, breakdownTo)
  double breakdownTo = -1;
  double silenceFrom = -1;        // everything silent in [silenceFrom, silenceTo)
  double silenceTo = -1;
  double swing = -1;               // >= 0: the off-8ths' delay in beats (1/6: triplet feel), instead of the pattern's
  double peakDbfs = -3;
  double noiseSnrDb = 0;          // > 0: add noise at this signal-to-noise ratio
  int sampleRate = 44100;
  unsigned seed = 1;
  // Not empty: the track is these sections one after another at `bpm` (its
  // length their sum; `seconds`, `endBpm` and the breakdown are ignored).
  std::vector<SectionSpec> arrangement;
};

// The pattern names TrackSpec takes, for messages; and whether one is.
inline constexpr const char* kPatternNames =
    "house, rock, dnb, hiphop, waltz, sixeight, funk, dembow, punk, slow, offbeat, masked";
bool isPatternName(const std::string& name);

LabelledTrack synthesize(const TrackSpec& spec);

// The demo track: 16 s of house at 124 BPM with a breakdown and two
// seconds of silence, for `./afterimage.sh demo` and the render tests.
TrackSpec demoTrack();

}  // namespace afterimage::audio
