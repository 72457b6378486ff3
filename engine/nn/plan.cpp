#include "engine/nn/plan.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/half.h"

namespace afterimage::nn {
namespace {

constexpr VkDeviceSize kAlignment = 256;
VkDeviceSize alignUp(VkDeviceSize v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

}  // namespace

Plan::Plan(gpu::Context& context, size_t slots)
    : context_(context), activationBase_(std::make_shared<gpu::BufferSlice>()) {
  if (slots == 0) throw gpu::GpuError("Plan: at least one slot");
  for (size_t i = 0; i < slots; ++i) sequences_.push_back(std::make_unique<gpu::CommandSequence>(context));
}

Plan::~Plan() {
  // A lost device fails the wait; the sequence's own destructor still
  // waits for its fences, without checking them. A destructor must not throw.
  for (auto& sequence : sequences_) {
    try {
      sequence->wait();
    } catch (const std::exception&) {
    }
  }
  if (*activationBase_) context_.arena().release(*activationBase_);
  for (const auto& s : persistentSlices_) context_.arena().release(s);
}

Tensor Plan::persistent(const Shape& shape, DType dtype) {
  if (finalized_) throw gpu::GpuError("Plan::persistent after finalize");
  VkDeviceSize bytes = elementCount(shape) * dtypeSize(dtype);
  auto slice = std::make_shared<gpu::BufferSlice>(context_.arena().allocate(bytes));
  persistentSlices_.push_back(*slice);
  persistentBytes_ += alignUp(bytes);
  return Tensor(slice, 0, shape, dtype);
}

gpu::BufferSlice Plan::buffer(VkDeviceSize bytes, gpu::MemoryKind kind) {
  if (finalized_) throw gpu::GpuError("Plan::buffer after finalize");
  gpu::BufferSlice slice = context_.arena().allocate(bytes, kind);
  persistentSlices_.push_back(slice);
  persistentBytes_ += alignUp(bytes);
  return slice;
}

Tensor Plan::allocate(const Shape& shape, DType dtype) {
  if (finalized_) throw gpu::GpuError("Plan::allocate after finalize");
  VkDeviceSize size = alignUp(std::max<VkDeviceSize>(elementCount(shape) * dtypeSize(dtype), 1));
  VkDeviceSize offset = activationEnd_;
  // Best fit among released ranges keeps the region small.
  auto best = freeRanges_.end();
  for (auto it = freeRanges_.begin(); it != freeRanges_.end(); ++it)
    if (it->second >= size && (best == freeRanges_.end() || it->second < best->second)) best = it;
  if (best != freeRanges_.end()) {
    offset = best->first;
    VkDeviceSize remaining = best->second - size;
    freeRanges_.erase(best);
    if (remaining) freeRanges_[offset + size] = remaining;
  } else if (!freeRanges_.empty() && std::prev(freeRanges_.end())->first + std::prev(freeRanges_.end())->second ==
                                         activationEnd_) {
    // Grow the free range at the end instead of leaving it unused.
    auto last = std::prev(freeRanges_.end());
    offset = last->first;
    freeRanges_.erase(last);
    activationEnd_ = offset + size;
  } else {
    activationEnd_ += size;
  }
  activationPeak_ = std::max(activationPeak_, activationEnd_);
  liveRanges_[offset] = size;
  return Tensor(activationBase_, offset, shape, dtype);
}

void Plan::release(const Tensor& tensor) {
  if (finalized_) return;
  auto live = liveRanges_.find(tensor.offset());
  if (live == liveRanges_.end()) throw gpu::GpuError("Plan::release of a tensor that is not a live activation");
  VkDeviceSize offset = live->first, size = live->second;
  liveRanges_.erase(live);
  auto next = freeRanges_.lower_bound(offset);
  if (next != freeRanges_.end() && offset + size == next->first) {
    size += next->second;
    next = freeRanges_.erase(next);
  }
  if (next != freeRanges_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += size;
      return;
    }
  }
  freeRanges_[offset] = size;
}

void Plan::add(Step step) {
  addSlotStep([step = std::move(step)](gpu::CommandSequence& sequence, size_t) { step(sequence); });
}

void Plan::addSlotStep(SlotStep step) {
  if (finalized_) throw gpu::GpuError("Plan::add after finalize");
  steps_.push_back({std::move(step), ""});
}

void Plan::setSegmentDispatches(size_t dispatches) {
  if (finalized_) throw gpu::GpuError("Plan::setSegmentDispatches after finalize");
  for (auto& sequence : sequences_) sequence->setSegmentDispatches(dispatches);
}

void Plan::mark(const std::string& label) {
  if (finalized_) throw gpu::GpuError("Plan::mark after finalize");
  steps_.push_back({nullptr, label});
}

void Plan::finalize() {
  if (finalized_) return;
  try {
    if (activationPeak_ > 0) *activationBase_ = context_.arena().allocate(activationPeak_);
  } catch (const gpu::OutOfGpuMemory& e) {
    throw gpu::OutOfGpuMemory(std::string(e.what()) + ", for the activations (" +
                              std::to_string((activationPeak_ + (1 << 20) - 1) >> 20) + " MiB)");
  }
  for (size_t slot = 0; slot < sequences_.size(); ++slot) {
    gpu::CommandSequence& sequence = *sequences_[slot];
    sequence.begin();
    for (const auto& s : steps_) {
      if (s.step)
        s.step(sequence, slot);
      else
        sequence.timestamp(s.label);
    }
    sequence.end();
  }
  finalized_ = true;
}

void Plan::run() {
  submit();
  wait();
}

void Plan::submit(size_t slot) {
  if (!finalized_) throw gpu::GpuError("Plan::run before finalize");
  gpu::CommandSequence& sequence = *sequences_.at(slot);
  if (sequence.segmentCount() > 1)
    for (auto& other : sequences_) other->wait();
  sequence.submit();
}

void Plan::wait(size_t slot) { sequences_.at(slot)->wait(); }

void writeTensor(gpu::Context& context, const Tensor& tensor, std::span<const float> values) {
  if (values.size() != tensor.elements())
    throw gpu::GpuError("writeTensor: " + std::to_string(values.size()) + " values for a tensor of shape " +
                        toString(tensor.shape()));
  if (tensor.dtype() == DType::F32) {
    context.upload(tensor.slice(), values.data(), values.size() * 4);
  } else {
    auto half = toHalf(values);
    context.upload(tensor.slice(), half.data(), half.size() * 2);
  }
}

std::vector<float> readTensor(gpu::Context& context, const Tensor& tensor) {
  std::vector<float> values(tensor.elements());
  if (tensor.dtype() == DType::F32) {
    context.download(tensor.slice(), values.data(), values.size() * 4);
  } else {
    std::vector<uint16_t> half(values.size());
    context.download(tensor.slice(), half.data(), half.size() * 2);
    values = fromHalf(half);
  }
  return values;
}

}  // namespace afterimage::nn
