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
    double beat = clock.nextBeatAfter(now + lookahead_);
    if (beat >= now + lookahead_ + hop) return std::nullopt;  // a later snapshot will still be in time
    if (beat - lastFired_ <= 0.5 * clock.period()) return std::nullopt;
    lastFired_ = beat;
    return ScheduledBeat{beat, now};
  }

 private:
  double lookahead_;
  double lastFired_ = -1e9;
};

}  // namespace afterimage::audio
