// MemoryArena: sub-allocation, reuse after release, alignment, statistics.
#include "engine/gpu/memory_arena.h"

#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

class MemoryArenaTest : public GpuTest {};

TEST_F(MemoryArenaTest, SlicesShareOneBlockAndAreAligned) {
  gpu::MemoryArena arena(context().info().handle, context().device(), true, 256, 1 << 20);
  auto a = arena.allocate(100), b = arena.allocate(1000);
  EXPECT_EQ(a.buffer, b.buffer);
  EXPECT_EQ(a.offset % 256, 0u);
  EXPECT_EQ(b.offset % 256, 0u);
  EXPECT_GE(b.offset, a.offset + 100);
  EXPECT_EQ(arena.stats().deviceMemoryAllocations, 1u);
  EXPECT_EQ(arena.stats().sliceAllocations, 2u);
}

TEST_F(MemoryArenaTest, ReleasedRangesAreReusedAndCoalesced) {
  gpu::MemoryArena arena(context().info().handle, context().device(), true, 256, 1 << 20);
  auto a = arena.allocate(4096), b = arena.allocate(4096), c = arena.allocate(4096);
  arena.release(a);
  arena.release(b);
  auto big = arena.allocate(8192);  // fits only if a and b merged
  EXPECT_EQ(big.offset, a.offset);
  EXPECT_EQ(arena.stats().deviceMemoryAllocations, 1u);
  arena.release(big);
  arena.release(c);
  EXPECT_EQ(arena.stats().bytesInUse, 0u);
  EXPECT_EQ(arena.stats().peakBytesInUse, 3u * 4096);
}

TEST_F(MemoryArenaTest, LargeRequestGetsItsOwnBlock) {
  gpu::MemoryArena arena(context().info().handle, context().device(), true, 256, 1 << 16);
  auto small = arena.allocate(1000);
  auto large = arena.allocate(1 << 18);
  EXPECT_NE(small.buffer, large.buffer);
  EXPECT_EQ(arena.stats().deviceMemoryAllocations, 2u);
  EXPECT_EQ(arena.stats().bytesReserved, (1u << 16) + (1u << 18));
}

TEST_F(MemoryArenaTest, StagingSlicesAreMapped) {
  auto slice = context().arena().allocate(64, gpu::MemoryKind::Staging);
  ASSERT_NE(slice.mapped, nullptr);
  context().arena().release(slice);
}

TEST_F(MemoryArenaTest, UploadThenDownloadRoundTrips) {
  std::vector<uint32_t> data(1000);
  for (uint32_t i = 0; i < data.size(); ++i) data[i] = i * 2654435761u;
  auto slice = context().arena().allocate(data.size() * 4);
  context().upload(slice, data.data(), data.size() * 4);
  std::vector<uint32_t> back(data.size());
  context().download(slice, back.data(), back.size() * 4);
  EXPECT_EQ(back, data);
  context().arena().release(slice);
}

}  // namespace
}  // namespace afterimage
