// RingBuffer: order, wrap-around, drops when full, and a producer and a
// consumer thread that never see a sample out of order.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "audio/ring_buffer.h"

namespace afterimage::audio {
namespace {

TEST(RingBuffer, ReadsWhatWasWrittenAcrossTheWrap) {
  RingBuffer ring(8);
  std::vector<float> out(8);
  float next = 0, expected = 0;
  for (int round = 0; round < 10; ++round) {
    float in[5];
    for (float& v : in) v = next++;
    ASSERT_EQ(ring.write(in, 5), 5u);
    ASSERT_EQ(ring.read(out.data(), 8), 5u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(out[size_t(i)], expected++);
  }
}

TEST(RingBuffer, FullRingDropsTheNewestAndCountsThem) {
  RingBuffer ring(4);
  float in[6] = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(ring.write(in, 6), 4u);
  EXPECT_EQ(ring.dropped(), 2u);
  float out[4];
  ASSERT_EQ(ring.read(out, 4), 4u);
  EXPECT_EQ(out[3], 4.0f);
  EXPECT_EQ(ring.read(out, 4), 0u) << "an empty ring returns at once";
}

TEST(RingBuffer, ProducerAndConsumerThreadsKeepOrder) {
  RingBuffer ring(1024);
  const int total = 2'000'000;
  std::thread producer([&] {
    float block[64];
    int next = 0;
    while (next < total) {
      int n = std::min(64, total - next);
      for (int i = 0; i < n; ++i) block[i] = float(next + i);
      size_t written = ring.write(block, size_t(n));
      next += int(written);  // a full ring drops; resend the rest
      if (written == 0) std::this_thread::yield();
    }
  });
  int expected = 0, errors = 0;
  float block[100];
  while (expected < total) {
    size_t n = ring.read(block, 100);
    for (size_t i = 0; i < n; ++i, ++expected) errors += block[i] != float(expected);
    if (n == 0) std::this_thread::yield();
  }
  producer.join();
  EXPECT_EQ(errors, 0);
}

}  // namespace
}  // namespace afterimage::audio
