#include "engine/pipeline/frame_uploads.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "engine/nn/half.h"

namespace afterimage::pipeline {
namespace {

constexpr VkDeviceSize kAlignment = 16;

}  // namespace

size_t FrameUploads::add(const nn::Tensor& tensor) {
  if (allocated_) throw std::logic_error("FrameUploads::add after allocate");
  VkDeviceSize offset = 0;
  if (!entries_.empty()) {
    const auto& last = entries_.back();
    offset = (last.offset + last.tensor.bytes() + kAlignment - 1) / kAlignment * kAlignment;
  }
  entries_.push_back({tensor, offset});
  return entries_.size() - 1;
}

void FrameUploads::addCopyStep(nn::Plan& plan) {
  plan_ = &plan;
  staging_.resize(plan.slots());
  plan.addSlotStep([this](gpu::CommandSequence& sequence, size_t slot) {
    if (!entries_.empty() && !allocated_) throw std::logic_error("FrameUploads: plan finalized before allocate()");
    for (const auto& e : entries_)
      sequence.copy(staging_.at(slot).sub(e.offset, e.tensor.bytes()), e.tensor.slice(), e.tensor.bytes());
  });
}

void FrameUploads::allocate() {
  if (entries_.empty() || allocated_) return;
  if (!plan_) throw std::logic_error("FrameUploads::allocate before addCopyStep");
  VkDeviceSize bytes = entries_.back().offset + entries_.back().tensor.bytes();
  for (auto& slice : staging_) {
    slice = plan_->buffer(bytes, gpu::MemoryKind::Staging);
    std::memset(slice.mapped, 0, bytes);
  }
  pending_.assign(bytes, std::byte{0});
  allocated_ = true;
}

void FrameUploads::flush(size_t slot) {
  if (allocated_) std::memcpy(staging_.at(slot).mapped, pending_.data(), pending_.size());
}

void FrameUploads::write(size_t index, std::span<const float> values) {
  const auto& e = entries_.at(index);
  if (!allocated_) throw std::logic_error("FrameUploads::write before allocate");
  if (values.size() != e.tensor.elements())
    throw std::invalid_argument("FrameUploads: " + std::to_string(values.size()) + " values for a tensor of shape " +
                                nn::toString(e.tensor.shape()));
  std::byte* destination = pending_.data() + e.offset;
  if (e.tensor.dtype() == nn::DType::F32) {
    std::memcpy(destination, values.data(), values.size() * sizeof(float));
  } else {
    auto* half = reinterpret_cast<uint16_t*>(destination);
    for (size_t i = 0; i < values.size(); ++i) half[i] = nn::floatToHalf(values[i]);
  }
}

}  // namespace afterimage::pipeline
