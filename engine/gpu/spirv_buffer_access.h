// Which storage-buffer bindings a compute shader reads and which it writes,
// read from its SPIR-V: GLSL `readonly` / `writeonly` become NonWritable /
// NonReadable decorations (on the block's members or on the variable).
// CommandSequence uses this to place a barrier only where data flows,
// without every op having to declare its inputs and outputs.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace afterimage::gpu {

struct BufferAccess {
  bool reads = true;
  bool writes = true;
};

// One entry per binding 0..bindingCount-1 of descriptor set 0. A binding
// without decorations, or one the module does not declare, counts as read
// and written (the safe answer); so does every binding of malformed SPIR-V.
std::vector<BufferAccess> reflectBufferAccess(std::span<const uint32_t> words, uint32_t bindingCount);

}  // namespace afterimage::gpu
