// Musical time for the conductor: from a snapshot's beat clock (tempo, the
// predicted next beat, the beat's place in the bar) it extrapolates the beat
// position at the time a frame will be shown, counting beats across frames
// so that the count never goes back and each beat is crossed once. Without
// a beat clock it runs freely at the set's tempo, so LFOs keep moving.
#pragma once
#include <algorithm>
#include <cmath>

#include "audio/feature_snapshot.h"

namespace afterimage::pipeline {

struct MusicalTime {
  double time = 0;      // the show time it describes
  double beat = 0;      // beats counted by the grid at `time` (integer on a beat); never decreases
  double barOrigin = 0; // a beat count where a bar starts
  double period = 0.5;  // seconds per beat
  int beatsPerBar = 4;
  bool fromClock = false;  // false: free-running at the set's tempo

  // Beats since a downbeat: what bar-locked LFOs and bar counts use.
  double barBeats() const { return beat - barOrigin; }
  long long bar() const { return (long long)std::floor(barBeats() / beatsPerBar + 1e-9); }
  double beatPhase() const { return std::max(0.0, beat - std::floor(beat + 1e-9)); }
  double barPhase() const {
    double bars = barBeats() / beatsPerBar;
    return std::max(0.0, bars - std::floor(bars + 1e-9));
  }
  // When the grid's beat count `b` is (was) reached.
  double timeOfBeat(double b) const { return time - (beat - b) * period; }
};

class BeatGrid {
 public:
  // The musical time at show time `t` (not before the previous call's) from
  // the snapshot's clock, or at `fallbackBpm` when the snapshot has no tempo.
  MusicalTime at(const audio::FeatureSnapshot& snapshot, double t, double fallbackBpm);
  void reset() { *this = BeatGrid(); }

 private:
  bool started_ = false, anchored_ = false;
  double anchorTime_ = 0;         // a clock beat we have counted
  long long anchorCount_ = 0;     // its count
  MusicalTime last_;
};

}  // namespace afterimage::pipeline
