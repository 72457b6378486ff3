// Plan: activation memory is shared between tensors whose lifetimes do not
// overlap, and once finalized a plan replays without allocating memory or
// creating pipelines.
#include "engine/nn/plan.h"

#include "engine/gpu/gpu_error.h"

#include "engine/nn/half.h"
#include "engine/nn/matmul.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

class PlanTest : public GpuTest {};

TEST_F(PlanTest, ReleasedActivationsAreReused) {
  nn::Plan plan(context());
  auto a = plan.allocate({256, 1024});  // 512 KiB each in f16
  plan.release(a);
  auto b = plan.allocate({256, 1024});
  EXPECT_EQ(b.offset(), a.offset());
  auto c = plan.allocate({256, 1024});  // b still live: c needs new memory
  EXPECT_NE(c.offset(), b.offset());
  EXPECT_EQ(plan.activationBytes(), 2u * 512 * 1024);
}

TEST_F(PlanTest, SliceBeforeFinalizeIsAnError) {
  nn::Plan plan(context());
  auto a = plan.allocate({4});
  EXPECT_THROW(a.slice(), gpu::GpuError);
}

TEST_F(PlanTest, ReplayAllocatesNothingAndCreatesNoPipelines) {
  nn::Plan plan(context());
  nn::MatmulShape shape{33, 40, 24};
  auto x = plan.persistent({33, 24}), w = plan.persistent({24, 40}), y = plan.persistent({33, 40});
  auto hidden = plan.allocate({33, 40});
  plan.add([&, x, w, hidden](gpu::CommandSequence& s) {
    nn::recordMatmul(context(), s, shape, x.slice(), w.slice(), {}, hidden.slice());
  });
  plan.mark("first");
  nn::MatmulShape second{33, 40, 40, 1, false, 0.5f};
  auto square = plan.persistent({40, 40});
  plan.add([&, hidden, square, y](gpu::CommandSequence& s) {
    nn::recordMatmul(context(), s, second, hidden.slice(), square.slice(), {}, y.slice());
  });
  plan.release(hidden);
  plan.mark("second");
  plan.finalize();

  auto xs = testing::randomHalfValues(33 * 24, 1), ws = testing::randomHalfValues(24 * 40, 2);
  std::vector<float> identity(40 * 40, 0.0f);
  for (int i = 0; i < 40; ++i) identity[i * 41] = 1.0f;
  nn::writeTensor(context(), x, xs);
  nn::writeTensor(context(), w, ws);
  nn::writeTensor(context(), square, identity);

  auto arenaBefore = context().arena().stats();
  auto pipelinesBefore = context().pipelines().pipelinesCreated();
  for (int frame = 0; frame < 3; ++frame) plan.run();
  auto arenaAfter = context().arena().stats();
  EXPECT_EQ(arenaAfter.sliceAllocations, arenaBefore.sliceAllocations);
  EXPECT_EQ(arenaAfter.deviceMemoryAllocations, arenaBefore.deviceMemoryAllocations);
  EXPECT_EQ(context().pipelines().pipelinesCreated(), pipelinesBefore);

  auto expected = nn::matmulReference(shape, xs, ws, {});
  for (auto& v : expected) v = 0.5f * nn::halfToFloat(nn::floatToHalf(v));
  EXPECT_LT(testing::relativeL2(nn::readTensor(context(), y), expected), 2e-3);
  auto times = plan.stageTimes();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[1].label, "second");
}

}  // namespace
}  // namespace afterimage
