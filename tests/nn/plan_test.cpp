// Plan: activation memory is shared between tensors whose lifetimes do not
// overlap, once finalized a plan replays without allocating memory or
// creating pipelines, and a plan of two slots replays them in the order
// submitted, also with both in flight.
#include "engine/nn/plan.h"

#include "engine/gpu/gpu_error.h"

#include "engine/nn/elementwise.h"
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

// Each replay adds its slot's input to a running total (three dispatches
// through the shared activations) and copies the total into its slot's
// output: with both slots in flight the second must see what the first
// wrote. In segments of one dispatch (the presenter sharing the queue) the
// host feeds a replay's later segments, so the second slot must wait.
TEST_F(PlanTest, SlotsReplayInTheOrderSubmittedWithTwoInFlight) {
  constexpr uint32_t kCount = 64;
  for (size_t segment : {size_t(0), size_t(1)}) {
    SCOPED_TRACE(std::to_string(segment) + " dispatches per segment");
    nn::Plan plan(context(), 2);
    plan.setSegmentDispatches(segment);
    ASSERT_EQ(plan.slots(), 2u);
    auto total = plan.persistent({kCount}), x = plan.persistent({kCount});
    nn::Tensor in[2] = {plan.persistent({kCount}), plan.persistent({kCount})};
    nn::Tensor out[2] = {plan.persistent({kCount}), plan.persistent({kCount})};
    const VkDeviceSize bytes = total.bytes();
    plan.addSlotStep([&](gpu::CommandSequence& s, size_t slot) { s.copy(in[slot].slice(), x.slice(), bytes); });
    auto sum = nn::scale(plan, nn::scale(plan, nn::add(plan, total, x), 1.0f), 1.0f);
    plan.add([&, sum](gpu::CommandSequence& s) { s.copy(sum.slice(), total.slice(), bytes); });
    plan.mark("sum");
    plan.addSlotStep([&](gpu::CommandSequence& s, size_t slot) { s.copy(total.slice(), out[slot].slice(), bytes); });
    plan.mark("out");
    plan.finalize();
    nn::writeTensor(context(), total, std::vector<float>(kCount, 0.0f));
    nn::writeTensor(context(), in[0], std::vector<float>(kCount, 1.0f));
    nn::writeTensor(context(), in[1], std::vector<float>(kCount, 10.0f));

    for (float expected : {1.0f, 12.0f}) {
      plan.submit(0);
      plan.submit(1);
      plan.wait(0);
      plan.wait(1);
      auto first = nn::readTensor(context(), out[0]), second = nn::readTensor(context(), out[1]);
      EXPECT_EQ(first.front(), expected);
      EXPECT_EQ(first.back(), expected);
      EXPECT_EQ(second.front(), expected + 10.0f);
      EXPECT_EQ(second.back(), expected + 10.0f);
    }
    if (context().info().timestamps) {
      auto times = plan.stageTimes(1);
      ASSERT_EQ(times.size(), 2u);
      EXPECT_EQ(times[1].label, "out");
    }
  }
}

}  // namespace
}  // namespace afterimage
