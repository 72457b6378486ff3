// A model at one resolution, recorded once and replayed every frame.
// Building a plan: ops ask it for activation tensors (allocate) and say
// when one is no longer read (release), so later activations reuse that
// memory; each op adds a recording step. finalize() places all activations
// in one slice, records the command buffer and freezes the plan: no memory
// allocation or pipeline creation happens after it. A frame writes the
// inputs and calls run().
//
// A plan of several slots records its steps once per slot, so that a frame
// can be queued while the one before it still runs: slot steps record each
// slot's own buffers (staged inputs, outputs read back), all other steps
// the same commands in every slot. The slots share the activations and the
// persistent tensors: that is sound because their replays run one after
// another on the one queue, each recording ending with a barrier that
// orders it before whatever is submitted next.
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
  using SlotStep = std::function<void(gpu::CommandSequence&, size_t slot)>;

  explicit Plan(gpu::Context& context, size_t slots = 1);
  ~Plan();
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  gpu::Context& context() { return context_; }

  // Tensors that live as long as the plan (inputs, outputs, state carried
  // between frames). Backed by memory at once.
  Tensor persistent(const Shape& shape, DType dtype = DType::F16);
  // A raw slice that lives as long as the plan, as the tensors above do
  // (a frame's pixels, a read-back): released with the plan, also when
  // whoever builds it throws before it is done.
  gpu::BufferSlice buffer(VkDeviceSize bytes, gpu::MemoryKind kind = gpu::MemoryKind::Device);
  // Activations: memory is shared with other activations whose lifetimes do
  // not overlap. release() after the last step that reads the tensor.
  Tensor allocate(const Shape& shape, DType dtype = DType::F16);
  void release(const Tensor& tensor);

  void add(Step step);
  void addSlotStep(SlotStep step);  // recorded once per slot, with its number
  void mark(const std::string& label);  // GPU timestamp: end of the steps since the previous mark
  // Dispatches per command buffer in every slot (CommandSequence); before finalize().
  void setSegmentDispatches(size_t dispatches);
  void finalize();
  bool finalized() const { return finalized_; }
  size_t slots() const { return sequences_.size(); }

  void run();  // slot 0
  // Queues the slot's replay behind those in flight; waits for the slot's
  // own previous replay first. A replay in segments (CommandSequence) is
  // fed by the host inside wait(), so nothing can be queued behind it: there
  // the other slots' replays are waited for first, one frame at a time.
  void submit(size_t slot = 0);
  void wait(size_t slot = 0);
  // The stage times of the slot's last completed replay; readable until it is submitted again.
  std::vector<gpu::StageTime> stageTimes(size_t slot = 0) const { return sequences_.at(slot)->stageTimes(); }

  VkDeviceSize activationBytes() const { return activationPeak_; }
  VkDeviceSize persistentBytes() const { return persistentBytes_; }
  size_t stepCount() const { return steps_.size(); }
  // What each slot's recorded command buffers hold (the same in all):
  // dispatches, and the barriers placed between them where data flows.
  size_t dispatchCount() const { return sequences_.front()->dispatchCount(); }
  size_t barrierCount() const { return sequences_.front()->barrierCount(); }

 private:
  struct Marked {
    SlotStep step;
    std::string label;  // non-empty: a timestamp, not a step
  };
  gpu::Context& context_;
  std::vector<std::unique_ptr<gpu::CommandSequence>> sequences_;  // one per slot
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
