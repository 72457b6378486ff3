// The show's input audio handed to the recorder: the analyzer's reader
// pushes what it reads (mono, the analyzer's rate) while a recording is
// on, the recorder's thread drains it. A short lock on both sides; at most
// ten seconds are held (a recorder that stopped draining loses the oldest).
#pragma once
#include <atomic>
#include <mutex>
#include <vector>

namespace afterimage::ui {

class AudioTap {
 public:
  explicit AudioTap(int sampleRate) : sampleRate_(sampleRate) {}
  int sampleRate() const { return sampleRate_; }

  // Off: push() keeps nothing. Turning it on starts empty.
  void enable(bool on) {
    std::lock_guard lock(mutex_);
    samples_.clear();
    enabled_ = on;
  }
  void push(const float* samples, size_t count) {
    if (!enabled_.load(std::memory_order_relaxed) || count == 0) return;
    std::lock_guard lock(mutex_);
    size_t limit = size_t(sampleRate_) * 10;
    if (samples_.size() + count > limit) samples_.clear();
    samples_.insert(samples_.end(), samples, samples + count);
  }
  // Moves what was pushed since the last drain into `out` (replacing it).
  void drain(std::vector<float>& out) {
    out.clear();
    std::lock_guard lock(mutex_);
    out.swap(samples_);
  }

 private:
  int sampleRate_;
  std::atomic<bool> enabled_{false};
  std::mutex mutex_;
  std::vector<float> samples_;
};

}  // namespace afterimage::ui
