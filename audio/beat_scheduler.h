// Fires each predicted beat once, `lookahead` seconds before it is due: the
// renderer starts an effect then so that its frame, shown `lookahead` later,
// lands on the beat. Call it once per snapshot.
#pragma once
#include <optional>

#include "audio/beat_clock.h"

namespace afterimage::audio {

struct ScheduledBeat {
  double time;         // when the beat is predicted to happen
  double predictedAt;  // the snapshot time at which it was fired
};

class BeatScheduler {
 public:
  explicit BeatScheduler(double lookaheadSeconds) : lookahead_(lookaheadSeconds) {}

  // now: the snapshot's time; hop: seconds until the next snapshot.
  std::optional<ScheduledBeat> poll(const BeatClock& clock, double now, double hop) {
    if (!clock.running()) return std::nullopt;
    return poll(clock.nextBeatAfter(now), clock.period(), now, hop);
  }
  // The same from a snapshot's prediction (nextBeatTime, 60 / bpm), for
  // threads that see snapshots, not the clock.
  std::optional<ScheduledBeat> poll(double nextBeat, double period, double now, double hop) {
    if (period <= 0) return std::nullopt;
    double beat = nextBeat;
    while (beat < now + lookahead_) beat += period;
    if (beat >= now + lookahead_ + hop) return std::nullopt;  // a later snapshot will still be in time
    if (beat - lastFired_ <= 0.5 * period) return std::nullopt;
    lastFired_ = beat;
    return ScheduledBeat{beat, now};
  }

 private:
  double lookahead_;
  double lastFired_ = -1e9;
};

}  // namespace afterimage::audio
