// MemoryArena: sub-allocation, reuse after release, alignment, statistics.
#include "engine/gpu/memory_arena.h"

#include <algorithm>
#include <string>

#include "engine/gpu/gpu_error.h"

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

// A block beyond the device-local heap is refused by name before Vulkan is
// asked (drivers differ: some fail, some overcommit and crash later), and the
// arena goes on serving requests that fit. (The arena the context makes on
// lavapipe takes its nominal heap size as no limit.)
TEST_F(MemoryArenaTest, ARequestBeyondTheHeapIsRefusedBeforeVulkanIsAsked) {
  VkPhysicalDeviceMemoryProperties properties;
  vkGetPhysicalDeviceMemoryProperties(context().info().handle, &properties);
  VkDeviceSize largestHeap = 0;
  for (uint32_t i = 0; i < properties.memoryHeapCount; ++i)
    largestHeap = std::max(largestHeap, properties.memoryHeaps[i].size);
  gpu::MemoryArena arena(context().info().handle, context().device(), true, 256, 1 << 20);
  try {
    arena.allocate(largestHeap + (VkDeviceSize(1) << 20));
    FAIL() << "no exception";
  } catch (const gpu::OutOfGpuMemory& e) {
    std::string expected = "out of GPU memory: " + std::to_string((largestHeap >> 20) + 1) + " MiB more needed, 0 MiB of "
                           "the ";
    EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find(" MiB it may use already taken"), std::string::npos) << e.what();
  }
  EXPECT_EQ(arena.stats().deviceMemoryAllocations, 0u);
  auto slice = arena.allocate(4096);
  EXPECT_EQ(arena.stats().deviceMemoryAllocations, 1u);
  arena.release(slice);
}

TEST_F(MemoryArenaTest, ACapCountsEveryBlockTaken) {
  gpu::MemoryArena arena(context().info().handle, context().device(), true, 256, 1 << 20, false);
  arena.capHeaps(3 << 20);
  auto a = arena.allocate(1 << 20), b = arena.allocate(1 << 20);  // two 1 MiB blocks
  EXPECT_THROW(arena.allocate(2 << 20), gpu::OutOfGpuMemory);     // a third block of 2 MiB: 4 > 3
  auto c = arena.allocate(1 << 20);                                // 3 MiB: fits exactly
  arena.capHeaps(0);                                               // the nominal heap: no limit
  auto d = arena.allocate(8 << 20);
  EXPECT_EQ(arena.stats().deviceMemoryAllocations, 4u);
  for (const auto& s : {a, b, c, d}) arena.release(s);
}

}  // namespace
}  // namespace afterimage
