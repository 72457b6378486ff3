#include "control/midi_clock.h"

namespace afterimage::control {

bool MidiClockTempo::tick(double t) {
  times_.push_back(t);
  if (times_.size() > kWindow) times_.pop_front();
  bool beat = ticks_ % 24 == 0;
  if (beat) lastBeat_ = t;
  ticks_++;
  return beat;
}

double MidiClockTempo::bpm(double now) const {
  if (times_.size() < 25 || now - times_.back() > 0.5) return 0;
  // The least-squares slope of tick time over tick number: every tick
  // counts, so one late tick at either end moves it little.
  double n = double(times_.size()), meanIndex = (n - 1) / 2, meanTime = 0;
  for (double t : times_) meanTime += t / n;
  double covariance = 0, variance = 0;
  for (size_t i = 0; i < times_.size(); ++i) {
    double di = double(i) - meanIndex;
    covariance += di * (times_[i] - meanTime);
    variance += di * di;
  }
  double interval = covariance / variance;
  return interval > 0 ? 60.0 / (24.0 * interval) : 0;
}

}  // namespace afterimage::control
