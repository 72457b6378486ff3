// MIDI clock as a tempo source: 24 ticks a quarter note. The tempo comes
// from the tick interval fitted over the last two beats of ticks (smoothing
// the jitter of USB and the sender), and a beat falls on every 24th tick
// after Start.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>

namespace afterimage::control {

class MidiClockTempo {
 public:
  // A tick at time t (seconds, any clock); true when it falls on a beat.
  bool tick(double t);
  void start() { ticks_ = 0, times_.clear(); }  // the next tick is a downbeat
  void stop() { times_.clear(); }
  // 0 until a beat's worth of ticks has been seen, or after 0.5 s without one.
  double bpm(double now) const;
  double lastBeatTime() const { return lastBeat_; }

 private:
  static constexpr size_t kWindow = 48;  // two beats of ticks
  std::deque<double> times_;
  uint64_t ticks_ = 0;
  double lastBeat_ = 0;
};

}  // namespace afterimage::control
