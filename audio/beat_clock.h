// The beat clock: a running beat grid (period and the time of one beat)
// that the tempo measurements steer like a phase-locked loop. It predicts
// the next beats, so the renderer can fire an effect that lands on the beat
// although its frame is shown later; it holds the tempo when the
// measurements weaken (a breakdown) while its confidence decays; it changes
// tempo or phase only when the measurements insist for a while; tap tempo
// and a manual nudge override it.
#pragma once
#include <deque>

#include "audio/tempo_estimator.h"

namespace afterimage::audio {

class BeatClock {
 public:
  struct Options {
    double lockStrength = 0.4;      // a measurement at least this strong may steer the clock
    double periodGain = 0.25;       // fraction of a period error corrected per measurement
    double phaseGain = 0.2;         // fraction of a phase error corrected per measurement
    double switchSeconds = 2.0;     // a different tempo or phase must persist this long to be adopted
    double confidenceDecaySeconds = 6.0;  // confidence half-life without support
    double tapHoldSeconds = 8.0;    // after a tap, measurements only fine-tune
  };
  BeatClock() : BeatClock(Options{}) {}
  explicit BeatClock(Options options) : options_(options) {}

  // Steers the clock with a measurement made at time `now`. One too weak
  // to steer (a breakdown: few onsets on the beats) still moves the
  // confidence towards its beat evidence when it agrees with the clock:
  // confidence follows the evidence, not the loudness.
  void update(const TempoMeasurement& m, double now);
  // Time passes without a measurement: confidence decays.
  void decay(double now);

  bool running() const { return period_ > 0; }
  double period() const { return period_; }
  double bpm() const { return period_ > 0 ? 60.0 / period_ : 0; }
  double confidence() const { return confidence_; }
  // The clock has once been confident (> 0.5): its tempo is worth keeping.
  bool established() const { return established_; }
  // Beat phase at time t: 0 on a beat, rising to 1.
  double phaseAt(double t) const;
  // The first predicted beat at or after t.
  double nextBeatAfter(double t) const;
  // Index of the beat at or before t (beats counted from the grid anchor).
  long long beatIndexAt(double t) const;

  // Tap tempo: a tap at time t (on a beat). Two or more taps set the tempo
  // and phase.
  void tap(double t);
  // Moves the grid later (positive) or earlier (negative) by seconds.
  void nudge(double seconds) { anchor_ += seconds; }
  void setTempo(double bpm, double beatTime);
  // An outside clock (Ableton Link, MIDI clock) at time `now`: its tempo
  // and a beat time are taken as they are, with full confidence, and the
  // measurements are ignored for a second (the source keeps calling).
  void follow(double bpm, double beatTime, double now);

 private:
  static double wrap(double x, double period);  // into [-period/2, period/2)
  void followEvidence(const TempoMeasurement& m);

  Options options_;
  double period_ = 0, anchor_ = 0, confidence_ = 0, lastTime_ = 0;
  double pendingPeriod_ = 0, pendingSince_ = -1;  // a different tempo waiting to be adopted
  double pendingPhaseSince_ = -1;
  double tappedAt_ = -1e9;
  double followedUntil_ = -1e9;
  bool established_ = false;
  std::deque<double> taps_;
};

}  // namespace afterimage::audio
