// Tempo from taps on a key or button: the mean interval of the recent taps.
// A pause longer than two beats of the slowest tempo starts a new count.
#pragma once
#include <array>
#include <cstddef>

namespace afterimage::ui {

class TapTempo {
 public:
  static constexpr double kMinBpm = 40, kMaxBpm = 240;
  static constexpr size_t kMaxTaps = 8;

  // `seconds` on any steady clock; returns the tempo, 0 until two taps.
  double tap(double seconds);
  double bpm() const { return bpm_; }
  size_t count() const { return count_; }
  double lastTap() const { return count_ ? taps_[(next_ + kMaxTaps - 1) % kMaxTaps] : 0; }

 private:
  std::array<double, kMaxTaps> taps_{};
  size_t next_ = 0, count_ = 0;
  double bpm_ = 0;
};

}  // namespace afterimage::ui
