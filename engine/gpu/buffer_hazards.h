// The buffer ranges that commands recorded since the last barrier read and
// write. A new command needs a barrier first when it reads a range pending a
// write (read after write) or writes a range pending a read or a write
// (write after read, write after write: the plan reuses activation memory).
// Independent commands then run without one between them.
#pragma once
#include <vector>

#include "engine/gpu/vulkan_functions.h"

namespace afterimage::gpu {

struct BufferRange {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize begin = 0, end = 0;  // bytes [begin, end)
};

class BufferHazards {
 public:
  // True when this access must wait for the pending ones.
  bool conflicts(const BufferRange& range, bool reads, bool writes) const;
  void add(const BufferRange& range, bool reads, bool writes);
  // After a barrier: everything before it is done and visible.
  void clear() { reads_.clear(), writes_.clear(); }
  bool empty() const { return reads_.empty() && writes_.empty(); }

 private:
  std::vector<BufferRange> reads_, writes_;
};

}  // namespace afterimage::gpu
