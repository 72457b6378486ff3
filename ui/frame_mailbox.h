// Hands finished frames from the generator to the presenter: a triple buffer
// of host RGBA8 images. The producer writes into a slot of its own and
// publishes it; the presenter takes the newest published frame. Neither side
// ever waits for the other: frames the presenter was too slow to take are
// replaced, and the presenter keeps showing what it has when nothing new came.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace afterimage::ui {

struct HostFrame {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4 bytes, rows top to bottom, sRGB-encoded
  uint64_t sequence = 0;      // set by publish(): 1, 2, 3...
  double time = 0;            // the producer's stamp (e.g. the audio time it was made for)

  // Sizes the pixels (allocates only when the size changes).
  void resize(uint32_t w, uint32_t h);
  bool empty() const { return width == 0 || height == 0; }
};

class FrameMailbox {
 public:
  // Producer side (one thread): fill writeSlot(), then publish(). After
  // publish() writeSlot() is another slot, holding an older frame's pixels.
  HostFrame& writeSlot() { return slots_[back_]; }
  void publish();

  // Consumer side (one thread): the newest frame published since the last
  // take, or nullptr when none. The frame stays valid and unchanged until
  // the next takeNewest() that returns non-null.
  const HostFrame* takeNewest();
  uint64_t published() const { return published_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint8_t kIndexMask = 3;
  static constexpr uint8_t kFresh = 4;

  std::array<HostFrame, 3> slots_;
  uint8_t back_ = 0;                   // producer's
  uint8_t front_ = 1;                  // consumer's
  std::atomic<uint8_t> middle_{2};     // the exchanged slot, kFresh when not yet taken
  std::atomic<uint64_t> published_{0};
};

}  // namespace afterimage::ui
