#include "ui/frame_mailbox.h"

namespace afterimage::ui {

void HostFrame::resize(uint32_t w, uint32_t h) {
  width = w;
  height = h;
  rgba.resize(size_t(w) * h * 4);
}

void FrameMailbox::publish() {
  uint64_t sequence = published_.load(std::memory_order_relaxed) + 1;
  slots_[back_].sequence = sequence;
  // Release: the pixels written into back_ are visible to whoever takes it.
  back_ = middle_.exchange(back_ | kFresh, std::memory_order_acq_rel) & kIndexMask;
  published_.store(sequence, std::memory_order_relaxed);
}

const HostFrame* FrameMailbox::takeNewest() {
  if (!(middle_.load(std::memory_order_relaxed) & kFresh)) return nullptr;
  front_ = middle_.exchange(front_, std::memory_order_acq_rel) & kIndexMask;
  return &slots_[front_];
}

}  // namespace afterimage::ui
