// A command buffer recorded once and replayed many times: a model plan or
// a benchmark records its dispatches here, then each frame only submits.
// Named timestamps between the recorded steps give per-stage GPU times.
//
// Where the presenter shares the one queue (lavapipe; a GPU whose graphics
// family has one queue), a replay goes in segments of a few dispatches, each
// submitted once the one before has finished: the presenter's frames then
// wait for one or two segments, not for a whole UNet call.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "engine/gpu/buffer_hazards.h"
#include "engine/gpu/context.h"

namespace afterimage::gpu {

struct StageTime {
  std::string label;
  double milliseconds;
};

class CommandSequence {
 public:
  explicit CommandSequence(Context& context, uint32_t maxTimestamps = 512);
  ~CommandSequence();
  CommandSequence(const CommandSequence&) = delete;
  CommandSequence& operator=(const CommandSequence&) = delete;

  // Recording. begin() discards what was recorded before.
  void begin();
  // Dispatches `groups` workgroups. A memory barrier is placed before a
  // command only where data flows: when it reads what an earlier command
  // since the last barrier wrote, or writes what one read or wrote (which
  // bindings a shader reads and writes comes from its SPIR-V). Copies and
  // fills count the same way. Timestamps never add one.
  void dispatch(const ComputePipeline& pipeline, std::span<const BufferSlice> bindings, const void* pushConstants,
                uint32_t pushBytes, uint32_t groupsX, uint32_t groupsY = 1, uint32_t groupsZ = 1);
  template <class Push>
  void dispatch(const ComputePipeline& pipeline, std::initializer_list<BufferSlice> bindings, const Push& push,
                uint32_t groupsX, uint32_t groupsY = 1, uint32_t groupsZ = 1) {
    dispatch(pipeline, std::span<const BufferSlice>(bindings.begin(), bindings.size()), &push, sizeof(Push), groupsX,
             groupsY, groupsZ);
  }
  void copy(const BufferSlice& source, const BufferSlice& destination, VkDeviceSize bytes);
  void fill(const BufferSlice& destination, uint32_t value);
  // Marks the end of the work recorded since the previous mark.
  void timestamp(const std::string& label);
  void end();

  // Replay.
  void submit();
  void wait();
  void run() { submit(), wait(); }
  bool recorded() const { return recorded_; }
  // Dispatches per segment; 0 = one command buffer. Set before begin().
  // The default comes from the context (kSharedQueueSegment when the
  // presenter shares the queue, else 0).
  void setSegmentDispatches(size_t dispatches) { segmentDispatches_ = dispatches; }
  static constexpr size_t kSharedQueueSegment = 16;
  size_t segmentCount() const { return used_; }
  size_t dispatchCount() const { return dispatches_; }
  size_t barrierCount() const { return barriers_; }

  // GPU time of each stage between marks of the last completed replay.
  std::vector<StageTime> stageTimes() const;
  // Benchmarks only: every dispatch recorded afterwards is followed by a
  // timestamp labelled kDispatchLabelPrefix + its shader + its grid, so stageTimes()
  // holds each dispatch (between the marks, which then measure nothing).
  // Each dispatch then also follows a barrier, so that its time is its own.
  static void profileEachDispatch(bool on);
  static constexpr const char* kDispatchLabelPrefix = "#";
  // Between the shader and its workgroup grid ("#matmul_coopmat groups 40x64x1").
  static constexpr const char* kDispatchGridSeparator = " groups ";
  double totalMilliseconds() const;

 private:
  void barrier();
  // Ends the current command buffer and continues in the next one.
  void nextSegment();
  void submitSegment();  // the next one, submitted_
  VkFence& fenceOf(size_t segment) { return fences_[segment % kSegmentsInFlight]; }
  static constexpr size_t kSegmentsInFlight = 2;
  // Places a barrier first when one of these accesses conflicts with the
  // pending ones, then records them as pending.
  void order(std::span<const BufferRange> ranges, std::span<const BufferAccess> access);
  static bool profileEachDispatch_;

  Context& context_;
  std::vector<VkCommandBuffer> segments_;  // allocated while recording, reused by later recordings
  size_t used_ = 0;                        // segments of the current recording
  size_t submitted_ = 0, waited_ = 0;      // segments of the pending replay submitted, finished
  size_t segmentDispatches_ = 0, dispatchesInSegment_ = 0;
  VkCommandBuffer commands_ = VK_NULL_HANDLE;  // the segment being recorded
  VkFence fences_[kSegmentsInFlight] = {};
  VkQueryPool queries_ = VK_NULL_HANDLE;
  uint32_t maxTimestamps_;
  std::vector<std::string> labels_;  // labels_[i] ends at query i + 1
  bool recording_ = false, recorded_ = false, pending_ = false;
  BufferHazards hazards_;
  std::vector<BufferRange> ranges_;  // scratch for one command's bindings
  size_t dispatches_ = 0, barriers_ = 0;
};

}  // namespace afterimage::gpu
