#include "engine/gpu/buffer_hazards.h"

#include <algorithm>

namespace afterimage::gpu {
namespace {

bool overlapsAny(const std::vector<BufferRange>& pending, const BufferRange& r) {
  return std::any_of(pending.begin(), pending.end(), [&](const BufferRange& p) {
    return p.buffer == r.buffer && p.begin < r.end && r.begin < p.end;
  });
}

}  // namespace

bool BufferHazards::conflicts(const BufferRange& range, bool reads, bool writes) const {
  if (range.begin >= range.end) return false;
  return (reads && overlapsAny(writes_, range)) || (writes && (overlapsAny(writes_, range) || overlapsAny(reads_, range)));
}

void BufferHazards::add(const BufferRange& range, bool reads, bool writes) {
  if (range.begin >= range.end) return;
  if (reads) reads_.push_back(range);
  if (writes) writes_.push_back(range);
}

}  // namespace afterimage::gpu
