#include "engine/gpu/command_sequence.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"

namespace afterimage::gpu {

bool CommandSequence::profileEachDispatch_ = false;

void CommandSequence::profileEachDispatch(bool on) { profileEachDispatch_ = on; }

CommandSequence::CommandSequence(Context& context, uint32_t maxTimestamps)
    : context_(context), maxTimestamps_(profileEachDispatch_ && maxTimestamps ? std::max(maxTimestamps, 16384u)
                                                                              : maxTimestamps) {
  if (context_.presentation() && !context_.separatePresentationQueue()) segmentDispatches_ = kSharedQueueSegment;
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  for (VkFence& fence : fences_) check(vkCreateFence(context_.device(), &fenceInfo, nullptr, &fence), "vkCreateFence");
  if (context_.info().timestamps && maxTimestamps_ > 0) {
    VkQueryPoolCreateInfo queryInfo{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
    queryInfo.queryCount = maxTimestamps_;
    check(vkCreateQueryPool(context_.device(), &queryInfo, nullptr, &queries_), "vkCreateQueryPool");
  }
}

CommandSequence::~CommandSequence() {
  for (size_t i = waited_; pending_ && i < submitted_; ++i)
    vkWaitForFences(context_.device(), 1, &fenceOf(i), VK_TRUE, UINT64_MAX);
  if (queries_) vkDestroyQueryPool(context_.device(), queries_, nullptr);
  for (VkFence fence : fences_) vkDestroyFence(context_.device(), fence, nullptr);
  if (!segments_.empty())
    vkFreeCommandBuffers(context_.device(), context_.commandPool(), static_cast<uint32_t>(segments_.size()),
                         segments_.data());
}

void CommandSequence::begin() {
  if (pending_) wait();
  used_ = 0;
  nextSegment();
  labels_.clear();
  dispatches_ = 0;
  barriers_ = 0;
  recording_ = true;
  recorded_ = false;
  hazards_.clear();
  if (queries_) {
    vkCmdResetQueryPool(commands_, queries_, 0, maxTimestamps_);
    // Bottom of the pipe: written once the work queued before this replay
    // is done, so a replay queued behind another (Plan slots) does not count
    // the wait for it in its first stage.
    vkCmdWriteTimestamp(commands_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, 0);
  }
}

void CommandSequence::nextSegment() {
  if (used_ > 0) check(vkEndCommandBuffer(commands_), "vkEndCommandBuffer");
  if (used_ == segments_.size()) {
    VkCommandBufferAllocateInfo allocInfo{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocInfo.commandPool = context_.commandPool();
    allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocInfo.commandBufferCount = 1;
    VkCommandBuffer commands = VK_NULL_HANDLE;
    check(vkAllocateCommandBuffers(context_.device(), &allocInfo, &commands), "vkAllocateCommandBuffers");
    segments_.push_back(commands);
  }
  commands_ = segments_[used_++];
  VkCommandBufferBeginInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  check(vkBeginCommandBuffer(commands_, &info), "vkBeginCommandBuffer");
  dispatchesInSegment_ = 0;
}

void CommandSequence::barrier() {
  VkMemoryBarrier memory{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  memory.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  memory.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                         VK_ACCESS_TRANSFER_WRITE_BIT;
  VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier(commands_, stages, stages, 0, 1, &memory, 0, nullptr, 0, nullptr);
  barriers_++;
  hazards_.clear();
}

namespace {

BufferRange rangeOf(const BufferSlice& slice, VkDeviceSize bytes) {
  VkDeviceSize end = bytes == VK_WHOLE_SIZE ? ~VkDeviceSize(0) : slice.offset + bytes;
  return {slice.buffer, slice.offset, end};
}

}  // namespace

void CommandSequence::order(std::span<const BufferRange> ranges, std::span<const BufferAccess> access) {
  // A pipeline made without reflection reads and writes every binding.
  auto at = [&](size_t i) { return i < access.size() ? access[i] : BufferAccess{}; };
  bool conflict = profileEachDispatch_ && !hazards_.empty();
  for (size_t i = 0; i < ranges.size() && !conflict; ++i) conflict = hazards_.conflicts(ranges[i], at(i).reads, at(i).writes);
  if (conflict) barrier();
  for (size_t i = 0; i < ranges.size(); ++i) hazards_.add(ranges[i], at(i).reads, at(i).writes);
}

void CommandSequence::dispatch(const ComputePipeline& pipeline, std::span<const BufferSlice> bindings,
                               const void* pushConstants, uint32_t pushBytes, uint32_t groupsX, uint32_t groupsY,
                               uint32_t groupsZ) {
  if (!recording_) throw GpuError("CommandSequence::dispatch outside begin()/end()");
  if (bindings.size() != pipeline.bindings || pushBytes != pipeline.pushConstantBytes) {
    throw GpuError("dispatch of '" + pipeline.shader + "': " + std::to_string(bindings.size()) + " buffers and " +
                   std::to_string(pushBytes) + " push-constant bytes, the pipeline takes " +
                   std::to_string(pipeline.bindings) + " and " + std::to_string(pipeline.pushConstantBytes));
  }
  // A barrier recorded in a later segment still orders everything submitted
  // before it on the queue, so the hazard tracking carries over unchanged.
  if (segmentDispatches_ && dispatchesInSegment_ == segmentDispatches_) nextSegment();
  ranges_.clear();
  for (const auto& b : bindings) ranges_.push_back(rangeOf(b, b.size));
  order(ranges_, pipeline.access);
  std::vector<VkDescriptorBufferInfo> infos(bindings.size());
  std::vector<VkWriteDescriptorSet> writes(bindings.size());
  for (size_t i = 0; i < bindings.size(); ++i) {
    infos[i] = {bindings[i].buffer, bindings[i].offset, bindings[i].size};
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstBinding = static_cast<uint32_t>(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkCmdBindPipeline(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline);
  vkCmdPushDescriptorSetKHR(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0,
                            static_cast<uint32_t>(writes.size()), writes.data());
  if (pushBytes) vkCmdPushConstants(commands_, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes, pushConstants);
  vkCmdDispatch(commands_, groupsX, groupsY, groupsZ);
  dispatches_++;
  dispatchesInSegment_++;
  if (profileEachDispatch_)
    timestamp(kDispatchLabelPrefix + pipeline.shader + kDispatchGridSeparator + std::to_string(groupsX) + "x" +
              std::to_string(groupsY) + "x" + std::to_string(groupsZ));
}

void CommandSequence::copy(const BufferSlice& source, const BufferSlice& destination, VkDeviceSize bytes) {
  const BufferRange ranges[] = {rangeOf(source, bytes), rangeOf(destination, bytes)};
  const BufferAccess access[] = {{true, false}, {false, true}};
  order(ranges, access);
  VkBufferCopy region{source.offset, destination.offset, bytes};
  vkCmdCopyBuffer(commands_, source.buffer, destination.buffer, 1, &region);
}

void CommandSequence::fill(const BufferSlice& destination, uint32_t value) {
  VkDeviceSize bytes = (destination.size + 3) / 4 * 4;
  const BufferRange ranges[] = {rangeOf(destination, bytes)};
  const BufferAccess access[] = {{false, true}};
  order(ranges, access);
  vkCmdFillBuffer(commands_, destination.buffer, destination.offset, bytes, value);
}

void CommandSequence::timestamp(const std::string& label) {
  if (!queries_) return;
  if (labels_.size() + 1 >= maxTimestamps_) throw GpuError("CommandSequence: more timestamps than its query pool holds");
  labels_.push_back(label);
  vkCmdWriteTimestamp(commands_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_, static_cast<uint32_t>(labels_.size()));
}

void CommandSequence::end() {
  // Results visible to whatever comes next in submission order (the next
  // replay, of this sequence or another one queued behind it, may read
  // what this one wrote and overwrite what it read): a barrier's scopes
  // reach across submissions on the queue.
  if (!hazards_.empty()) barrier();
  check(vkEndCommandBuffer(commands_), "vkEndCommandBuffer");
  recording_ = false;
  recorded_ = true;
}

void CommandSequence::submit() {
  if (!recorded_) throw GpuError("CommandSequence::submit before end()");
  if (pending_) wait();
  submitted_ = waited_ = 0;
  while (submitted_ < std::min(used_, kSegmentsInFlight)) submitSegment();
  pending_ = true;
}

void CommandSequence::submitSegment() {
  check(vkResetFences(context_.device(), 1, &fenceOf(submitted_)), "vkResetFences");
  context_.submit(segments_[submitted_], fenceOf(submitted_));
  submitted_++;
}

void CommandSequence::wait() {
  if (!pending_) return;
  // The next segment is queued while one runs, so the queue does not idle
  // while this thread wakes up, and the presenter waits for two at most.
  while (waited_ < submitted_) {
    check(vkWaitForFences(context_.device(), 1, &fenceOf(waited_), VK_TRUE, UINT64_MAX), "vkWaitForFences");
    waited_++;
    if (submitted_ < used_) submitSegment();
  }
  pending_ = false;
}

std::vector<StageTime> CommandSequence::stageTimes() const {
  std::vector<StageTime> result;
  if (!queries_ || labels_.empty()) return result;
  std::vector<uint64_t> ticks(labels_.size() + 1);
  check(vkGetQueryPoolResults(context_.device(), queries_, 0, static_cast<uint32_t>(ticks.size()),
                              ticks.size() * sizeof(uint64_t), ticks.data(), sizeof(uint64_t),
                              VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
        "vkGetQueryPoolResults");
  double msPerTick = context_.info().timestampPeriodNs * 1e-6;
  for (size_t i = 0; i < labels_.size(); ++i)
    result.push_back({labels_[i], static_cast<double>(ticks[i + 1] - ticks[i]) * msPerTick});
  return result;
}

double CommandSequence::totalMilliseconds() const {
  double total = 0;
  for (const auto& s : stageTimes()) total += s.milliseconds;
  return total;
}

}  // namespace afterimage::gpu
