#include "engine/gpu/memory_arena.h"

#include <algorithm>
#include <limits>
#include <string>

#include "engine/gpu/gpu_error.h"

namespace afterimage::gpu {
namespace {

VkDeviceSize alignUp(VkDeviceSize value, VkDeviceSize alignment) { return (value + alignment - 1) / alignment * alignment; }

std::string mebibytes(VkDeviceSize bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

constexpr VkBufferUsageFlags kUsage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                      VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT;

}  // namespace

BufferSlice BufferSlice::sub(VkDeviceSize byteOffset, VkDeviceSize byteSize) const {
  if (byteOffset + byteSize > size) throw GpuError("BufferSlice::sub: range outside the slice");
  BufferSlice s = *this;
  s.offset += byteOffset;
  s.size = byteSize;
  if (s.mapped) s.mapped += byteOffset;
  return s;
}

MemoryArena::MemoryArena(VkPhysicalDevice physical, VkDevice device, bool unifiedMemory, VkDeviceSize alignment,
                         VkDeviceSize blockSize, bool heapSizesAreLimits)
    : device_(device), unifiedMemory_(unifiedMemory), alignment_(std::max<VkDeviceSize>(alignment, 256)),
      blockSize_(blockSize), heapSizesAreLimits_(heapSizesAreLimits) {
  vkGetPhysicalDeviceMemoryProperties(physical, &memoryProperties_);
  heapReserved_.assign(memoryProperties_.memoryHeapCount, 0);
  capHeaps(0);
}

void MemoryArena::capHeaps(VkDeviceSize bytes) {
  std::lock_guard lock(mutex_);
  heapLimit_.resize(memoryProperties_.memoryHeapCount);
  for (uint32_t i = 0; i < memoryProperties_.memoryHeapCount; ++i) {
    VkDeviceSize limit = heapSizesAreLimits_ ? memoryProperties_.memoryHeaps[i].size
                                             : std::numeric_limits<VkDeviceSize>::max();
    heapLimit_[i] = bytes > 0 ? std::min(limit, bytes) : limit;
  }
}

MemoryArena::~MemoryArena() {
  for (auto& b : blocks_) {
    if (b.mapped) vkUnmapMemory(device_, b.memory);
    vkDestroyBuffer(device_, b.buffer, nullptr);
    vkFreeMemory(device_, b.memory, nullptr);
  }
}

uint32_t MemoryArena::memoryType(uint32_t allowedTypes, MemoryKind kind) const {
  constexpr VkMemoryPropertyFlags kLocal = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  constexpr VkMemoryPropertyFlags kHost = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int best = -1, bestScore = -1;
  for (uint32_t i = 0; i < memoryProperties_.memoryTypeCount; ++i) {
    if (!(allowedTypes & (1u << i))) continue;
    VkMemoryPropertyFlags f = memoryProperties_.memoryTypes[i].propertyFlags;
    bool local = (f & kLocal) == kLocal, host = (f & kHost) == kHost;
    int score = -1;
    if (kind == MemoryKind::Staging) {
      if (host) score = 2 + ((f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) ? 1 : 0) - (local && !unifiedMemory_ ? 2 : 0);
    } else if (unifiedMemory_) {
      score = (local ? 2 : 0) + (host ? 1 : 0);
    } else {
      // A discrete GPU's host-visible device heap (the BAR) is small: keep
      // working memory out of it.
      score = local ? (host ? 1 : 2) : 0;
    }
    if (score > bestScore) best = static_cast<int>(i), bestScore = score;
  }
  if (best < 0) throw GpuError("no Vulkan memory type fits the request");
  return static_cast<uint32_t>(best);
}

int32_t MemoryArena::addBlock(VkDeviceSize needed, MemoryKind kind) {
  Block block;
  block.kind = kind;
  VkMemoryRequirements requirements;
  auto makeBuffer = [&](VkDeviceSize size) {
    block.size = size;
    VkBufferCreateInfo bufferInfo{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bufferInfo.size = size;
    bufferInfo.usage = kUsage;
    bufferInfo.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(device_, &bufferInfo, nullptr, &block.buffer), "vkCreateBuffer");
    vkGetBufferMemoryRequirements(device_, block.buffer, &requirements);
  };
  makeBuffer(std::max(blockSize_, needed));
  VkMemoryAllocateInfo allocInfo{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  allocInfo.memoryTypeIndex = memoryType(requirements.memoryTypeBits, kind);
  uint32_t heap = memoryProperties_.memoryTypes[allocInfo.memoryTypeIndex].heapIndex;
  VkDeviceSize room = heapLimit_[heap] > heapReserved_[heap] ? heapLimit_[heap] - heapReserved_[heap] : 0;
  if (requirements.size > room && block.size > needed) {
    // No room for a whole block: one just big enough may still fit.
    vkDestroyBuffer(device_, block.buffer, nullptr);
    makeBuffer(needed);
  }
  allocInfo.allocationSize = requirements.size;
  auto refuse = [&](const std::string& why) {
    vkDestroyBuffer(device_, block.buffer, nullptr);
    std::string limit = heapLimit_[heap] == std::numeric_limits<VkDeviceSize>::max()
                            ? ""
                            : " of the " + mebibytes(heapLimit_[heap]) + " it may use";
    throw OutOfGpuMemory("out of GPU memory: " + mebibytes(needed) + " more needed, " + mebibytes(heapReserved_[heap]) +
                         limit + " already taken" + why);
  };
  if (requirements.size > room) refuse("");
  VkResult result = vkAllocateMemory(device_, &allocInfo, nullptr, &block.memory);
  if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
    refuse(std::string(" (the driver refused: ") + resultName(result) + ")");
  if (result != VK_SUCCESS) {
    vkDestroyBuffer(device_, block.buffer, nullptr);
    check(result, ("vkAllocateMemory of " + mebibytes(block.size)).c_str());
  }
  heapReserved_[heap] += requirements.size;
  check(vkBindBufferMemory(device_, block.buffer, block.memory, 0), "vkBindBufferMemory");
  auto flags = memoryProperties_.memoryTypes[allocInfo.memoryTypeIndex].propertyFlags;
  if ((flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) && (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)) {
    void* ptr = nullptr;
    check(vkMapMemory(device_, block.memory, 0, VK_WHOLE_SIZE, 0, &ptr), "vkMapMemory");
    block.mapped = static_cast<std::byte*>(ptr);
  }
  block.freeRanges[0] = block.size;
  stats_.deviceMemoryAllocations++;
  stats_.bytesReserved += block.size;
  blocks_.push_back(std::move(block));
  return static_cast<int32_t>(blocks_.size() - 1);
}

BufferSlice MemoryArena::allocate(VkDeviceSize size, MemoryKind kind) {
  std::lock_guard lock(mutex_);
  VkDeviceSize needed = alignUp(std::max<VkDeviceSize>(size, 1), alignment_);
  auto tryBlock = [&](int32_t index) -> BufferSlice {
    Block& b = blocks_[index];
    for (auto it = b.freeRanges.begin(); it != b.freeRanges.end(); ++it) {
      if (it->second < needed) continue;
      VkDeviceSize offset = it->first;
      VkDeviceSize remaining = it->second - needed;
      b.freeRanges.erase(it);
      if (remaining) b.freeRanges[offset + needed] = remaining;
      stats_.sliceAllocations++;
      stats_.bytesInUse += needed;
      stats_.peakBytesInUse = std::max(stats_.peakBytesInUse, stats_.bytesInUse);
      return BufferSlice{b.buffer, offset, size, b.mapped ? b.mapped + offset : nullptr, index};
    }
    return {};
  };
  for (int32_t i = 0; i < static_cast<int32_t>(blocks_.size()); ++i) {
    if (blocks_[i].kind != kind) continue;
    if (auto slice = tryBlock(i)) return slice;
  }
  return tryBlock(addBlock(needed, kind));
}

void MemoryArena::release(const BufferSlice& slice) {
  if (!slice) return;
  std::lock_guard lock(mutex_);
  Block& b = blocks_.at(slice.block);
  VkDeviceSize offset = slice.offset;
  VkDeviceSize size = alignUp(std::max<VkDeviceSize>(slice.size, 1), alignment_);
  stats_.bytesInUse -= size;
  auto next = b.freeRanges.lower_bound(offset);
  if (next != b.freeRanges.end() && offset + size == next->first) {
    size += next->second;
    next = b.freeRanges.erase(next);
  }
  if (next != b.freeRanges.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += size;
      return;
    }
  }
  b.freeRanges[offset] = size;
}

ArenaStats MemoryArena::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace afterimage::gpu
