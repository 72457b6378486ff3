// The audio features a mapping can read, by the names set files use
// ("low", "rms_db", "mel.3", "beat_phase"), and their values for one frame.
// Most come straight from the FeatureSnapshot; the beat and onset events and
// phases are the conductor's, predicted for the time the frame is shown.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audio/feature_snapshot.h"

namespace afterimage::pipeline {

enum class Feature {
  Rms,
  RmsDb,
  PerceptualDb,
  Loudness,
  GainDb,
  Sub,
  Low,
  Mid,
  High,
  Mel,  // mel.N: mel band N (0-based)
  Centroid,
  Flux,
  OnsetStrength,
  Onset,      // 1 in the frame that first sees a new onset, else 0
  Beat,       // 1 in the frame whose show time crosses a (predicted) beat, else 0
  Bar,        // the same for a bar
  BeatPhase,  // 0 at a beat rising to 1, at the show time
  BarPhase,   // 0 at a downbeat rising to 1, at the show time
  Bpm,
  Confidence,
  Kick,           // 1 in the frame that first sees a new kick, else 0
  Snare,          // the same for a snare (clap, rim)
  Hat,            // the same for a hi-hat
  KickStrength,   // the kick band's attack, 0..1 of its recent peaks (peak over the frame's hops)
  SnareStrength,
  HatStrength,
  Buildup,          // 1 in the frame that first sees a build-up begin, else 0
  Drop,             // the same for a drop
  Breakdown,        // the same for a breakdown
  BuildupProgress,  // 0..1 through the build-up to its predicted drop (0 outside one)
  DropInBars,       // bars to the predicted drop (0 when none is predicted)
  Subdivision,      // 2 or 3: the beat divides in two or three (triplets, shuffle, 6/8)
  StepPhase,        // 0 at each half (or third) of the beat rising to 1, at the show time
  BeatsPerBar,      // 2 (6/8 tapped in dotted quarters), 3 or 4
  Count
};

struct FeatureSource {
  Feature feature = Feature::Loudness;
  int band = -1;  // for Mel

  bool operator==(const FeatureSource&) const = default;
};

std::optional<FeatureSource> parseFeatureSource(std::string_view name);
std::string formatFeatureSource(const FeatureSource& source);
// Every name, with "mel.N" for the bands, for suggestions.
std::vector<std::string> featureNames();

// What the conductor knows at a frame besides the snapshot.
struct FrameEvents {
  bool onset = false, beat = false, bar = false;
  std::array<bool, audio::DrumKindCount> drums{};  // a new hit of each kind
  std::array<bool, audio::kMusicSectionCount> sections{};  // a new start of each section (by MusicSection)
  double beatPhase = 0, barPhase = 0;
};

double featureValue(const FeatureSource& source, const audio::FeatureSnapshot& snapshot, const FrameEvents& events);

}  // namespace afterimage::pipeline
