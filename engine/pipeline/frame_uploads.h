// The per-frame inputs of a recorded plan, written by the host into a
// host-visible staging slice and copied into their device tensors by the
// plan itself (its first step). A frame then allocates nothing and submits
// once, on discrete GPUs too (nn::writeTensor stages each write through a
// new slice and a submit of its own there). Each of the plan's slots has
// its own staging slice, so the next frame's inputs are staged while the
// frame before still runs. Writes go to a host copy first and flush(slot)
// moves all of it to the slot's slice, so a slot staged frames ago gets
// what was written since too.
#pragma once
#include <span>
#include <vector>

#include "engine/nn/plan.h"

namespace afterimage::pipeline {

class FrameUploads {
 public:
  FrameUploads() = default;
  FrameUploads(const FrameUploads&) = delete;
  FrameUploads& operator=(const FrameUploads&) = delete;

  // Adds the copy step to the plan as its next step, one staging slice per
  // plan slot. The copies are those of every tensor added before
  // allocate(), which must come before the plan is finalized (so tensors
  // the later steps create can be inputs too).
  void addCopyStep(nn::Plan& plan);
  // Registers a tensor the plan reads; returns its index.
  size_t add(const nn::Tensor& tensor);
  // Allocates the staging slices (zero-filled, the plan's: released with
  // it) once every tensor is added.
  void allocate();

  // Writes `values` (converted to the tensor's dtype) for the next run, at
  // any time. What is not rewritten keeps its last values.
  void write(size_t index, std::span<const float> values);
  // Makes the writes so far the inputs of the slot's replay, which must not be running.
  void flush(size_t slot = 0);

 private:
  struct Entry {
    nn::Tensor tensor;
    VkDeviceSize offset = 0;  // within the staging slice
  };
  nn::Plan* plan_ = nullptr;  // the plan of the copy step
  std::vector<Entry> entries_;
  std::vector<gpu::BufferSlice> staging_;  // one per plan slot
  bool allocated_ = false;
  std::vector<std::byte> pending_;  // the staging slices' next contents
};

}  // namespace afterimage::pipeline
