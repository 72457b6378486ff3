#include "engine/pipeline/beat_grid.h"

#include <algorithm>

namespace afterimage::pipeline {

MusicalTime BeatGrid::at(const audio::FeatureSnapshot& s, double t, double fallbackBpm) {
  MusicalTime m = last_;
  m.time = t;
  if (s.bpm > 0) {
    m.period = 60.0 / s.bpm;
    m.beatsPerBar = std::max(1, s.beatsPerBar);
    m.fromClock = true;
    // The last beat the analyzer has counted (beatInBar is its place in the bar).
    double reference = s.nextBeatTime > s.time + 1e-9 ? s.nextBeatTime - m.period : s.nextBeatTime;
    long long count;
    if (anchored_) {
      count = anchorCount_ + std::llround((reference - anchorTime_) / m.period);
    } else if (!started_) {
      count = s.beatInBar;
    } else {
      // The clock starts after free running: the first count that does not go back.
      count = (long long)std::ceil(last_.beat - (t - reference) / m.period - 1e-9);
    }
    anchored_ = true;
    anchorTime_ = reference;
    anchorCount_ = count;
    // Keep counting bars from the same downbeat while the analyzer agrees on
    // where bars start; when it moves the downbeat, from the nearest new one.
    long long origin = count - s.beatInBar;
    if (started_) {
      long long previous = (long long)last_.barOrigin, bpb = m.beatsPerBar;
      long long r = (((origin - previous) % bpb) + bpb) % bpb;
      origin = previous + (2 * r > bpb ? r - bpb : r);
    }
    m.barOrigin = double(origin);
    m.beat = double(count) + (t - reference) / m.period;
  } else {
    anchored_ = false;
    m.period = 60.0 / fallbackBpm;
    m.fromClock = false;
    m.beat = started_ ? last_.beat + (t - last_.time) / m.period : 0.0;
  }
  if (started_) m.beat = std::max(m.beat, last_.beat);
  started_ = true;
  last_ = m;
  return m;
}

}  // namespace afterimage::pipeline
