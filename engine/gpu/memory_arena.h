// Sub-allocates buffer ranges from a few large Vulkan buffers. Each block is
// one VkBuffer bound to one VkDeviceMemory; a BufferSlice is a range of it.
// Device memory is mapped when it is host-visible (CPU and integrated
// devices), so uploads there are plain copies.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "engine/gpu/vulkan_functions.h"

namespace afterimage::gpu {

enum class MemoryKind {
  Device,   // GPU-local working memory (weights, activations)
  Staging,  // host-visible, coherent: uploads and read-backs
};

struct BufferSlice {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize size = 0;
  std::byte* mapped = nullptr;  // null unless the block is host-visible
  int32_t block = -1;

  explicit operator bool() const { return buffer != VK_NULL_HANDLE; }
  // A sub-range of this slice (offset relative to this slice).
  BufferSlice sub(VkDeviceSize byteOffset, VkDeviceSize byteSize) const;
};

struct ArenaStats {
  uint64_t deviceMemoryAllocations = 0;  // vkAllocateMemory calls
  uint64_t sliceAllocations = 0;         // allocate() calls that succeeded
  VkDeviceSize bytesInUse = 0;
  VkDeviceSize bytesReserved = 0;        // sum of block sizes
  VkDeviceSize peakBytesInUse = 0;
};

class MemoryArena {
 public:
  // unifiedMemory: the device shares the host's memory (CPU or integrated
  // GPU), so device memory is taken host-visible and mapped.
  MemoryArena(VkPhysicalDevice physical, VkDevice device, bool unifiedMemory, VkDeviceSize alignment,
              VkDeviceSize blockSize = VkDeviceSize(128) << 20);
  ~MemoryArena();
  MemoryArena(const MemoryArena&) = delete;
  MemoryArena& operator=(const MemoryArena&) = delete;

  BufferSlice allocate(VkDeviceSize size, MemoryKind kind = MemoryKind::Device);
  void release(const BufferSlice& slice);
  ArenaStats stats() const;

 private:
  struct Block {
    MemoryKind kind;
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkDeviceSize size = 0;
    std::byte* mapped = nullptr;
    std::map<VkDeviceSize, VkDeviceSize> freeRanges;  // offset -> size
  };
  int32_t addBlock(VkDeviceSize size, MemoryKind kind);
  uint32_t memoryType(uint32_t allowedTypes, MemoryKind kind) const;

  VkDevice device_;
  bool unifiedMemory_;
  VkPhysicalDeviceMemoryProperties memoryProperties_{};
  VkDeviceSize alignment_;
  VkDeviceSize blockSize_;
  std::vector<Block> blocks_;
  ArenaStats stats_;
  mutable std::mutex mutex_;
};

}  // namespace afterimage::gpu
