// Onset events from an onset-strength curve, causally: a value is an onset
// when it is a local peak (one frame later we know it fell) and rises above
// the recent median by `threshold` times the recent mean, as aubio's peak
// picker does, with a minimum interval between onsets.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>

namespace afterimage::audio {

class OnsetPicker {
 public:
  struct Options {
    double threshold = 0.3;
    double minInterval = 0.03;  // seconds
    float floor = 1e-3f;        // strengths below this are never onsets (silence)
    float relativeFloor = 0.2f;    // nor those below this fraction of the recent peaks
    double peakDecaySeconds = 1.0;
  };
  OnsetPicker() : OnsetPicker(Options{}) {}
  explicit OnsetPicker(Options options) : options_(options) {}

  // Pushes the strength of the frame at `time`; returns true when the
  // previous frame (at previousTime()) was an onset.
  bool push(float strength, double time) {
    for (size_t i = 0; i + 1 < window_.size(); ++i) window_[i] = window_[i + 1];
    window_.back() = strength;
    previousTime_ = time_;
    time_ = time;
    if (++frames_ < window_.size()) return false;
    std::array<float, kWindow> sorted = window_;
    std::nth_element(sorted.begin(), sorted.begin() + kWindow / 2, sorted.end());
    float median = sorted[kWindow / 2], mean = 0;
    for (float v : window_) mean += v / kWindow;
    float candidate = window_[kWindow - 2];
    bool peak = candidate > window_[kWindow - 3] && candidate >= window_[kWindow - 1];
    // The recent peak level falls by 1/e in peakDecaySeconds.
    peakLevel_ = std::max(candidate, peakLevel_ * float(std::exp(-(time_ - previousTime_) / options_.peakDecaySeconds)));
    bool high = candidate > median + float(options_.threshold) * mean && candidate > options_.floor &&
                candidate > options_.relativeFloor * peakLevel_;
    if (peak && high && previousTime_ - lastOnset_ >= options_.minInterval) {
      lastOnset_ = previousTime_;
      return true;
    }
    return false;
  }
  double previousTime() const { return previousTime_; }

 private:
  static constexpr size_t kWindow = 7;
  Options options_;
  std::array<float, kWindow> window_{};
  size_t frames_ = 0;
  float peakLevel_ = 0;
  double time_ = 0, previousTime_ = 0, lastOnset_ = -1e9;
};

}  // namespace afterimage::audio
