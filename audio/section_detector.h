// Sections of dance music, causally: build-up, drop and breakdown from the
// drums by kind, the low band and the beat clock, and the predicted drop.
//   breakdown: the kicks stop for more than a bar and a half-beat, with few snares
//   build-up:  the kicks stop (or stay stopped) while the snares keep coming,
//              at least three a bar (a roll)
//   drop:      the first strong kick after a build-up or a breakdown (its
//              low band back within 10 dB of the loudest recent lows)
// The drop is predicted at the next 8-bar boundary (then 16, 32) counted
// from the beat the build-up started on (the beat after the last kick: in
// four-to-the-floor music the bar's start; after a breakdown, the 4-bar
// phrase of it its first snares fell in), on the beat clock's beat grid:
// dance music changes section on 4- and 8-bar phrases.
// It knows nothing of threads or devices; one call per analysis hop.
#pragma once

#include "audio/feature_snapshot.h"

namespace afterimage::audio {

class SectionDetector {
 public:
  // Reads the drum, level and beat fields of `s` (the analyzer's snapshot of
  // this hop) and writes its section fields.
  void process(FeatureSnapshot& s);

 private:
  void enter(FeatureSnapshot& s, MusicSection section, double at);
  double barSeconds(const FeatureSnapshot& s) const;
  // The first beat of the beat clock's grid at or after time t.
  double beatAfter(const FeatureSnapshot& s, double t) const;

  MusicSection section_ = MusicSection::None;
  double lastKick_ = -1e9;
  double dropCandidate_ = -1;           // a kick after a pause, waiting for its lows
  double lastHopTime_ = -1;
  double lowPeakDb_ = -120;             // the loudest recent low band (falls slowly)
  double snareTimes_[8] = {-1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9, -1e9};  // the latest snares, newest first
  double firstSnareSinceKick_ = -1;     // when the snares without kicks began
  double pauseStart_ = 0;               // the beat after the last kick
  double buildupStart_ = 0;             // the bar the build-up started on
};

}  // namespace afterimage::audio
