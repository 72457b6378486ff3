#include "ui/tap_tempo.h"

#include <algorithm>

namespace afterimage::ui {

double TapTempo::tap(double seconds) {
  constexpr double kResetAfter = 2 * 60.0 / kMinBpm;
  if (count_ && (seconds - lastTap() > kResetAfter || seconds < lastTap())) {
    count_ = 0;
    bpm_ = 0;
  }
  taps_[next_] = seconds;
  next_ = (next_ + 1) % kMaxTaps;
  count_ = std::min(count_ + 1, kMaxTaps);
  if (count_ >= 2) {
    double first = taps_[(next_ + kMaxTaps - count_) % kMaxTaps];
    double interval = (seconds - first) / double(count_ - 1);
    bpm_ = std::clamp(60.0 / interval, kMinBpm, kMaxBpm);
  }
  return bpm_;
}

}  // namespace afterimage::ui
