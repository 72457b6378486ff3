#include "engine/gpu/spirv_buffer_access.h"

#include <unordered_map>

namespace afterimage::gpu {
namespace {

// The few SPIR-V opcodes and decorations needed (SPIR-V spec, section 3).
enum : uint32_t {
  kOpTypeArray = 28,
  kOpTypeRuntimeArray = 29,
  kOpTypeStruct = 30,
  kOpTypePointer = 32,
  kOpVariable = 59,
  kOpDecorate = 71,
  kOpMemberDecorate = 72,
  kDecorationNonWritable = 24,
  kDecorationNonReadable = 25,
  kDecorationBinding = 33,
  kDecorationDescriptorSet = 34,
  kMagic = 0x07230203,
  kHeaderWords = 5,
};

struct IdFacts {
  bool nonWritable = false, nonReadable = false;
  uint32_t binding = UINT32_MAX, set = 0;
  uint32_t members = 0, membersNonWritable = 0, membersNonReadable = 0;  // structs
  uint32_t pointee = 0;                                                   // pointers and arrays
  uint32_t type = 0;                                                      // variables
  bool variable = false;
};

}  // namespace

std::vector<BufferAccess> reflectBufferAccess(std::span<const uint32_t> words, uint32_t bindingCount) {
  std::vector<BufferAccess> access(bindingCount);
  if (words.size() < kHeaderWords || words[0] != kMagic) return access;

  std::unordered_map<uint32_t, IdFacts> ids;
  for (size_t at = kHeaderWords; at < words.size();) {
    uint32_t count = words[at] >> 16, opcode = words[at] & 0xFFFF;
    if (count == 0 || at + count > words.size()) return std::vector<BufferAccess>(bindingCount);
    const uint32_t* w = &words[at];
    switch (opcode) {
      case kOpDecorate:
        if (count >= 3) {
          auto& id = ids[w[1]];
          if (w[2] == kDecorationNonWritable) id.nonWritable = true;
          if (w[2] == kDecorationNonReadable) id.nonReadable = true;
          if (w[2] == kDecorationBinding && count >= 4) id.binding = w[3];
          if (w[2] == kDecorationDescriptorSet && count >= 4) id.set = w[3];
        }
        break;
      case kOpMemberDecorate:  // each member decorated once per decoration
        if (count >= 4 && w[3] == kDecorationNonWritable) ids[w[1]].membersNonWritable++;
        if (count >= 4 && w[3] == kDecorationNonReadable) ids[w[1]].membersNonReadable++;
        break;
      case kOpTypeStruct:
        if (count >= 2) ids[w[1]].members = count - 2;
        break;
      case kOpTypePointer:
        if (count >= 4) ids[w[1]].pointee = w[3];
        break;
      case kOpTypeArray:
      case kOpTypeRuntimeArray:
        if (count >= 3) ids[w[1]].pointee = w[2];
        break;
      case kOpVariable:
        if (count >= 4) {
          auto& id = ids[w[2]];
          id.variable = true;
          id.type = w[1];
        }
        break;
      default:
        break;
    }
    at += count;
  }

  // Variables of one binding may alias (two views of one buffer): the
  // binding's access is the union of theirs.
  const IdFacts none;
  auto facts = [&](uint32_t id) -> const IdFacts& {
    auto it = ids.find(id);
    return it == ids.end() ? none : it->second;
  };
  std::vector<BufferAccess> found(bindingCount, {false, false});
  std::vector<bool> declared(bindingCount, false);
  for (const auto& [_, v] : ids) {
    if (!v.variable || v.set != 0 || v.binding >= bindingCount) continue;
    uint32_t type = facts(v.type).pointee;  // pointer -> block (or array of blocks)
    for (int depth = 0; depth < 4 && facts(type).members == 0 && facts(type).pointee; ++depth)
      type = facts(type).pointee;
    const IdFacts& block = facts(type);
    bool nonWritable = v.nonWritable || block.nonWritable ||
                       (block.members > 0 && block.membersNonWritable >= block.members);
    bool nonReadable = v.nonReadable || block.nonReadable ||
                       (block.members > 0 && block.membersNonReadable >= block.members);
    found[v.binding].reads |= !nonReadable;
    found[v.binding].writes |= !nonWritable;
    declared[v.binding] = true;
  }
  for (uint32_t b = 0; b < bindingCount; ++b)
    if (declared[b]) access[b] = found[b];
  return access;
}

}  // namespace afterimage::gpu
