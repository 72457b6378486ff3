// CommandSequence places a barrier only where data flows between recorded
// commands: read after write, write after read, write after write on
// overlapping buffer ranges. Which bindings a shader reads and writes comes
// from its SPIR-V. Counts are read before end(), which closes the sequence
// with one more barrier.
#include "engine/gpu/command_sequence.h"

#include "engine/gpu/shader_library.h"
#include "engine/gpu/spirv_buffer_access.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

struct ElementwisePush {  // shaders/elementwise.comp's Params
  uint32_t count = 0, dims[4] = {1, 1, 1, 1}, bStrides[4] = {};
  float scale = 1, offset = 0;
};

class CommandSequenceTest : public GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    add_ = &context().pipelines().get({"elementwise", 3, sizeof(ElementwisePush), {0, 0, 0}});
    for (auto& b : buffers_) b = context().arena().allocate(kBytes);
  }
  void TearDown() override {
    for (auto& b : buffers_) context().arena().release(b);
    GpuTest::TearDown();
  }
  // y = a + b
  void add(gpu::CommandSequence& s, const gpu::BufferSlice& a, const gpu::BufferSlice& b, const gpu::BufferSlice& y) {
    s.dispatch(*add_, {a, b, y}, ElementwisePush{}, 1);
  }
  static constexpr VkDeviceSize kBytes = 1024;
  const gpu::ComputePipeline* add_ = nullptr;
  gpu::BufferSlice buffers_[6];
};

TEST_F(CommandSequenceTest, ReflectsReadonlyAndWriteonlyBindings) {
  auto ew = gpu::reflectBufferAccess(gpu::findShader("elementwise"), 3);
  ASSERT_EQ(ew.size(), 3u);
  EXPECT_TRUE(ew[0].reads && !ew[0].writes);
  EXPECT_TRUE(ew[1].reads && !ew[1].writes);
  EXPECT_TRUE(!ew[2].reads && ew[2].writes);
  // weighted_sum's output has no qualifier (it may alias an input).
  auto sum = gpu::reflectBufferAccess(gpu::findShader("weighted_sum"), 5);
  EXPECT_TRUE(sum[3].reads && !sum[3].writes);
  EXPECT_TRUE(sum[4].reads && sum[4].writes);
  EXPECT_EQ(add_->access.size(), 3u);
}

TEST_F(CommandSequenceTest, IndependentDispatchesGetNoBarrier) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a, b, x);
  add(s, a, c, y);  // reads a again: reads never conflict
  EXPECT_EQ(s.barrierCount(), 0u);
  s.end();
  EXPECT_EQ(s.dispatchCount(), 2u);
  EXPECT_EQ(s.barrierCount(), 1u);  // the closing one
}

TEST_F(CommandSequenceTest, ReadAfterWriteGetsABarrier) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a, b, x);
  add(s, x, c, y);
  EXPECT_EQ(s.barrierCount(), 1u);
  s.end();
}

TEST_F(CommandSequenceTest, WriteAfterReadGetsABarrier) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a, b, x);
  add(s, c, d, a);  // reused memory: a's reader must finish first
  EXPECT_EQ(s.barrierCount(), 1u);
  s.end();
}

TEST_F(CommandSequenceTest, WriteAfterWriteGetsABarrier) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a, b, x);
  add(s, c, d, x);
  EXPECT_EQ(s.barrierCount(), 1u);
  s.end();
}

TEST_F(CommandSequenceTest, OnlyOverlappingRangesConflict) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a.sub(0, 256), b.sub(0, 256), x.sub(0, 256));
  add(s, a.sub(256, 256), b.sub(256, 256), x.sub(256, 256));  // the other half of x
  EXPECT_EQ(s.barrierCount(), 0u);
  add(s, x.sub(0, 512), c.sub(0, 512), y.sub(0, 512));  // reads both halves
  EXPECT_EQ(s.barrierCount(), 1u);
  s.end();
}

TEST_F(CommandSequenceTest, CopiesAndFillsCountLikeDispatches) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  s.fill(x, 0);
  s.fill(y, 0);
  EXPECT_EQ(s.barrierCount(), 0u);
  s.copy(x, a, kBytes);  // reads the filled x
  EXPECT_EQ(s.barrierCount(), 1u);
  add(s, b, c, d);
  EXPECT_EQ(s.barrierCount(), 1u);
  add(s, a, b, y);  // reads the copy's a
  EXPECT_EQ(s.barrierCount(), 2u);
  s.end();
}

TEST_F(CommandSequenceTest, TimestampsAddNoBarrier) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a, b, x);
  s.timestamp("first");
  add(s, c, d, y);
  s.timestamp("second");
  EXPECT_EQ(s.barrierCount(), 0u);
  s.end();
}

TEST_F(CommandSequenceTest, ProfilingEachDispatchKeepsEveryBarrier) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence::profileEachDispatch(true);
  gpu::CommandSequence s(context());
  s.begin();
  add(s, a, b, x);
  add(s, c, d, y);
  gpu::CommandSequence::profileEachDispatch(false);
  EXPECT_EQ(s.barrierCount(), 1u) << "each dispatch's timestamp measures it alone";
  s.end();
}

// Where the presenter shares the queue, a replay goes in segments (so that
// its frames wait for one segment, not a whole UNet call): a chain of
// dependent adds across segment boundaries must give what one command
// buffer gives, replay after replay.
TEST_F(CommandSequenceTest, SegmentedReplayKeepsTheDataFlow) {
  constexpr size_t kCount = 512, kChain = 20;
  std::vector<float> ones(kCount, 1.0f);
  gpu::BufferSlice one = testing::uploadHalf(context(), ones);
  gpu::BufferSlice sums[2] = {testing::uploadHalf(context(), ones), testing::uploadHalf(context(), ones)};
  ElementwisePush push;
  push.count = kCount;
  push.dims[3] = kCount;
  for (size_t segment : {size_t(0), size_t(3)}) {
    gpu::CommandSequence s(context());
    s.setSegmentDispatches(segment);
    s.begin();
    s.dispatch(*add_, {one, one, sums[0]}, push, 2);  // 2
    for (size_t i = 1; i < kChain; ++i) s.dispatch(*add_, {sums[(i + 1) % 2], one, sums[i % 2]}, push, 2);
    s.end();
    EXPECT_EQ(s.segmentCount(), segment ? (kChain + segment - 1) / segment : 1u);
    for (int replay = 0; replay < 2; ++replay) {
      s.run();
      std::vector<float> result = testing::downloadHalf(context(), sums[(kChain - 1) % 2], kCount);
      EXPECT_EQ(result.front(), float(kChain + 1)) << segment << " dispatches per segment, replay " << replay;
      EXPECT_EQ(result.back(), float(kChain + 1)) << segment << " dispatches per segment, replay " << replay;
    }
  }
  for (auto& slice : {one, sums[0], sums[1]}) context().arena().release(slice);
}

TEST_F(CommandSequenceTest, OnlyAQueueSharedWithThePresenterIsSegmented) {
  auto [a, b, c, d, x, y] = buffers_;
  gpu::CommandSequence s(context());  // the tests' context presents nothing
  s.begin();
  for (size_t i = 0; i < 2 * gpu::CommandSequence::kSharedQueueSegment; ++i) add(s, a, b, x);
  s.end();
  EXPECT_EQ(s.segmentCount(), 1u);
}

}  // namespace
}  // namespace afterimage
