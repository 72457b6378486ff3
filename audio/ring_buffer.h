// A lock-free single-producer single-consumer ring of samples: the audio
// callback writes, the analysis thread reads. Neither side blocks,
// allocates or takes a lock; a full ring drops the newest samples and
// counts them, because the callback must never wait.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace afterimage::audio {

class RingBuffer {
 public:
  // capacity is rounded up to a power of two.
  explicit RingBuffer(size_t capacity) {
    size_t size = 1;
    while (size < capacity) size <<= 1;
    data_.assign(size, 0.0f);
    mask_ = size - 1;
  }
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;

  size_t capacity() const { return data_.size(); }

  // Producer side. Returns how many samples were stored (the rest dropped).
  size_t write(const float* samples, size_t count) {
    uint64_t head = head_.load(std::memory_order_relaxed);
    uint64_t tail = tail_.load(std::memory_order_acquire);
    size_t space = data_.size() - size_t(head - tail);
    size_t n = count < space ? count : space;
    for (size_t i = 0; i < n; ++i) data_[(head + i) & mask_] = samples[i];
    head_.store(head + n, std::memory_order_release);
    if (n < count) dropped_.fetch_add(count - n, std::memory_order_relaxed);
    return n;
  }

  // Consumer side. Returns how many samples were read (up to count).
  size_t read(float* out, size_t count) {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    uint64_t head = head_.load(std::memory_order_acquire);
    size_t available = size_t(head - tail);
    size_t n = count < available ? count : available;
    for (size_t i = 0; i < n; ++i) out[i] = data_[(tail + i) & mask_];
    tail_.store(tail + n, std::memory_order_release);
    return n;
  }

  size_t available() const {
    return size_t(head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire));
  }
  // Samples ever written (the producer's clock in samples).
  uint64_t written() const { return head_.load(std::memory_order_acquire); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  std::vector<float> data_;
  size_t mask_ = 0;
  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint64_t> tail_{0};
  alignas(64) std::atomic<uint64_t> dropped_{0};
};

}  // namespace afterimage::audio
