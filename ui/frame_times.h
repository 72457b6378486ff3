// The presenter's frame times (the interval between presented frames) over
// the last few thousand frames: mean and percentiles, for the figure of
// what recording or streaming costs the presenter. No allocation per frame.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace afterimage::ui {

class FrameTimes {
 public:
  // Once a loop turn with the presented count and the time (seconds).
  void step(uint64_t presented, double now) {
    if (presented != lastPresented_) {
      if (lastTime_ >= 0) {
        double interval = now - lastTime_;
        intervals_[count_ % intervals_.size()] = float(interval);
        sum_ += interval;
        ++count_;
      }
      lastTime_ = now;
      lastPresented_ = presented;
    }
  }
  uint64_t count() const { return count_; }
  double meanMilliseconds() const { return count_ ? 1000.0 * sum_ / double(count_) : 0; }
  // Over the kept (last 4096) intervals.
  double percentileMilliseconds(double p) const {
    size_t n = std::min<size_t>(count_, intervals_.size());
    if (!n) return 0;
    std::vector<float> sorted(intervals_.begin(), intervals_.begin() + ptrdiff_t(n));
    std::sort(sorted.begin(), sorted.end());
    return 1000.0 * sorted[std::min(n - 1, size_t(p * double(n)))];
  }

 private:
  std::array<float, 4096> intervals_{};
  uint64_t count_ = 0, lastPresented_ = 0;
  double lastTime_ = -1, sum_ = 0;
};

}  // namespace afterimage::ui
