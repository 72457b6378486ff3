// A model at one resolution, recorded once and replayed every frame.
// Building a plan: ops ask it for activation tensors (allocate) and say
// when one is no longer read (release), so later activations reuse that
// memory; each op adds a recording step. finalize() places all activations
// in one slice, records the command buffer and freezes the plan: no memory
// allocation or pipeline creation happens after it. A frame writes the
// inputs and calls run().
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/gpu/command_sequence.h"
#include "engine/nn/tensor.h"

namespace afterimage::nn {

class Plan {
 public:
  using Step = std::function<void(gpu::CommandSequence&)>;

  explicit Plan(gpu::Context& context);
  ~Plan();
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  gpu::Context& context() { return context_; }

  // Tensors that live as long as the plan (inputs, outputs, state carried
  // between frames). Backed by memory at once.
  Tensor persistent(const Shape& shape, DType dtype = DType::F16);
  // Activations: memory is shared with other activations whose lifetimes do
  // not overlap. release() after the last step that reads the tensor.
  Tensor allocate(const Shape& shape, DType dtype = DType::F16);
  void release(const Tensor& tensor);

  void add(Step step);
  void mark(const std::string& label);  // GPU timestamp: end of the steps since the previous mark
  void finalize();
  bool finalized() const { return finalized_; }

  void run();
  void submit();
  void wait();
  std::vector<gpu::StageTime> stageTimes() const { return sequence_.stageTimes(); }

  VkDeviceSize activationBytes() const { return activationPeak_; }
  VkDeviceSize persistentBytes() const { return persistentBytes_; }
  size_t stepCount() const { return steps_.size(); }
  // What the recorded command buffer holds: dispatches, and the barriers
  // placed between them where data flows.
  size_t dispatchCount() const { return sequence_.dispatchCount(); }
  size_t barrierCount() const { return sequence_.barrierCount(); }

 private:
  struct Marked {
    Step step;
    std::string label;  // non-empty: a timestamp, not a step
  };
  gpu::Context& context_;
  gpu::CommandSequence sequence_;
  std::vector<Marked> steps_;
  std::shared_ptr<gpu::BufferSlice> activationBase_;
  std::vector<gpu::BufferSlice> persistentSlices_;
  std::map<VkDeviceSize, VkDeviceSize> freeRanges_;  // offset -> size, within the activation region
  std::map<VkDeviceSize, VkDeviceSize> liveRanges_;  // offset -> size
  VkDeviceSize activationEnd_ = 0, activationPeak_ = 0, persistentBytes_ = 0;
  bool finalized_ = false;
};

// Host <-> tensor copies with conversion (f32 values on the host; f16 or
// f32 on the GPU). For setup, tests and per-frame inputs.
void writeTensor(gpu::Context& context, const Tensor& tensor, std::span<const float> values);
std::vector<float> readTensor(gpu::Context& context, const Tensor& tensor);

}  // namespace afterimage::nn
