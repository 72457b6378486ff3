#include "audio/subdivision_tracker.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace afterimage::audio {

namespace {

const SubdivisionTracker::Options& checked(const SubdivisionTracker::Options& o, double hopSeconds, double onsetLag) {
  if (!(hopSeconds > 0 && hopSeconds < 1) || !(onsetLag >= 0 && onsetLag < 1) || !(o.memoryBeats >= 1) ||
      !(o.lookBackSeconds > hopSeconds && o.lookBackSeconds <= 60) || !(o.leaveShare <= o.enterShare) ||
      o.afterBeats < 0)
    throw std::invalid_argument("subdivision tracker: options out of range");
  return o;
}

}  // namespace

SubdivisionTracker::SubdivisionTracker(double hopSeconds, double onsetLag, Options options)
    : options_(checked(options, hopSeconds, onsetLag)),
      hopSeconds_(hopSeconds),
      onsetLag_(onsetLag),
      samples_(size_t(std::ceil(options.lookBackSeconds / hopSeconds)) + 1) {}

void SubdivisionTracker::push(float onsetStrength, double time) {
  samples_[count_ % samples_.size()] = {time, std::isfinite(onsetStrength) ? onsetStrength : 0.0f};
  ++count_;
}

float SubdivisionTracker::peak(double from, double to) const {
  float best = 0;
  for (size_t n = std::min(count_, samples_.size()), i = 0; i < n; ++i) {
    const Sample& s = samples_[(count_ - 1 - i) % samples_.size()];
    if (s.time < from) break;
    if (s.time < to) best = std::max(best, s.onset);
  }
  return best;
}

void SubdivisionTracker::beat(double start, double end) {
  const double period = end - start;
  if (!(period > 0) || period > options_.lookBackSeconds) return;
  // Around each place, where its attack's flux peaks (onsetLag after it),
  // from a 48th of the beat before to a 24th after (two hops at least):
  // a third and a quarter, a 12th apart, keep to their own windows.
  const double after = std::max(period / 24, 2 * hopSeconds_), before = after / 2;
  auto at = [&](double fraction) {
    double t = start + fraction * period + onsetLag_;
    return double(peak(t - before, t + after));
  };
  const double thirds = 0.5 * (at(1.0 / 3) + at(2.0 / 3));
  const double halves = 0.5 * (at(0.5) + 0.5 * (at(0.25) + at(0.75)));
  if (!(thirds + halves > 1e-9)) return;  // nothing between the beats: no say
  const double decay = std::exp(-1.0 / options_.memoryBeats);
  share_ = share_ * decay + thirds / (thirds + halves);
  weight_ = weight_ * decay + 1;
  if (++beats_ < options_.afterBeats) return;
  const double mean = tripleShare();
  if (!triple_ && mean > options_.enterShare) triple_ = true;
  else if (triple_ && mean < options_.leaveShare) triple_ = false;
}

}  // namespace afterimage::audio
