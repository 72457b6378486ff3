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
  // heapSizesAreLimits: false where the driver's heap sizes are nominal (a
  // CPU device such as lavapipe backs them with host memory and allocates
  // past them), so only the driver's own refusal counts there.
  MemoryArena(VkPhysicalDevice physical, VkDevice device, bool unifiedMemory, VkDeviceSize alignment,
              VkDeviceSize blockSize = VkDeviceSize(128) << 20, bool heapSizesAreLimits = true);
  ~MemoryArena();
  MemoryArena(const MemoryArena&) = delete;
  MemoryArena& operator=(const MemoryArena&) = delete;

  // Throws OutOfGpuMemory when the block it needs would take the memory
  // heap past its limit, before asking Vulkan (or when Vulkan refuses).
  BufferSlice allocate(VkDeviceSize size, MemoryKind kind = MemoryKind::Device);
  void release(const BufferSlice& slice);
  // Caps what this arena takes from each heap (0: the heap sizes alone), for
  // sharing the GPU with other programs ($AFTERIMAGE_GPU_MEMORY_MIB).
  void capHeaps(VkDeviceSize bytes);
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
  // A block of blockSize_ (or `needed` where larger, or where the heap's
  // limit leaves room only for that).
  int32_t addBlock(VkDeviceSize needed, MemoryKind kind);
  uint32_t memoryType(uint32_t allowedTypes, MemoryKind kind) const;

  VkDevice device_;
  bool unifiedMemory_;
  VkPhysicalDeviceMemoryProperties memoryProperties_{};
  VkDeviceSize alignment_;
  VkDeviceSize blockSize_;
  std::vector<Block> blocks_;
  std::vector<VkDeviceSize> heapReserved_;  // bytes of this arena's blocks per memory heap
  std::vector<VkDeviceSize> heapLimit_;     // what it may take per heap (no limit: max)
  bool heapSizesAreLimits_;
  ArenaStats stats_;
  mutable std::mutex mutex_;
};

}  // namespace afterimage::gpu
