// FrameMailbox: the presenter takes the newest published frame, never an
// older one, never a frame being written, and nothing when nothing is new.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ui/frame_mailbox.h"

namespace afterimage::ui {
namespace {

void fill(HostFrame& frame, uint8_t value) {
  frame.resize(4, 2);
  std::fill(frame.rgba.begin(), frame.rgba.end(), value);
}

TEST(FrameMailbox, NothingToTakeBeforeThefirstPublish) {
  FrameMailbox mailbox;
  EXPECT_EQ(mailbox.takeNewest(), nullptr);
}

TEST(FrameMailbox, TakesEachFrameOnceAndThenNothing) {
  FrameMailbox mailbox;
  fill(mailbox.writeSlot(), 7);
  mailbox.publish();
  const HostFrame* taken = mailbox.takeNewest();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->sequence, 1u);
  EXPECT_EQ(taken->rgba[0], 7);
  EXPECT_EQ(mailbox.takeNewest(), nullptr);
}

TEST(FrameMailbox, SkipsFramesThePresenterWasTooSlowFor) {
  FrameMailbox mailbox;
  for (uint8_t v = 1; v <= 5; ++v) {
    fill(mailbox.writeSlot(), v);
    mailbox.publish();
  }
  const HostFrame* taken = mailbox.takeNewest();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->sequence, 5u);
  EXPECT_EQ(taken->rgba[0], 5);
  EXPECT_EQ(mailbox.published(), 5u);
}

TEST(FrameMailbox, ATakenFrameStaysUnchangedWhileTheProducerGoesOn) {
  FrameMailbox mailbox;
  fill(mailbox.writeSlot(), 1);
  mailbox.publish();
  const HostFrame* taken = mailbox.takeNewest();
  for (uint8_t v = 2; v <= 10; ++v) {
    fill(mailbox.writeSlot(), v);
    mailbox.publish();
  }
  EXPECT_EQ(taken->rgba[0], 1);
  EXPECT_EQ(taken->sequence, 1u);
}

// A producer and a consumer on two threads: every taken frame is whole (all
// its bytes from one publish) and sequences only rise.
TEST(FrameMailbox, ThreadedFramesAreWholeAndInOrder) {
  FrameMailbox mailbox;
  constexpr uint64_t kFrames = 20000;
  std::thread producer([&] {
    for (uint64_t i = 1; i <= kFrames; ++i) {
      HostFrame& slot = mailbox.writeSlot();
      slot.resize(16, 16);
      std::fill(slot.rgba.begin(), slot.rgba.end(), uint8_t(i));
      mailbox.publish();
    }
  });
  uint64_t last = 0, taken = 0, torn = 0, backwards = 0;
  while (last < kFrames) {
    const HostFrame* frame = mailbox.takeNewest();
    if (!frame) continue;
    ++taken;
    if (frame->sequence <= last) ++backwards;
    last = frame->sequence;
    for (uint8_t b : frame->rgba) torn += b != uint8_t(frame->sequence);
  }
  producer.join();
  std::printf("took %llu of %llu frames\n", (unsigned long long)taken, (unsigned long long)kFrames);
  EXPECT_EQ(torn, 0u);
  EXPECT_EQ(backwards, 0u);
  EXPECT_EQ(last, kFrames);
}

}  // namespace
}  // namespace afterimage::ui
