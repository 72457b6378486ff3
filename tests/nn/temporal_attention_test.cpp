// Attention along the frame axis at every pixel against PyTorch
// (F.scaled_dot_product_attention in f64 on the same f16 inputs, pixels as
// the batch; tests/golden/ops/temporal_attention.safetensors): full and
// causal windows, only the last frames as queries, SD 1.5's head size 40,
// the largest head (160), 32 frames, one frame, and a peaked softmax.
// Tolerance: relative L2 error < 2e-3 (f16 output rounding).
#include "engine/nn/temporal_attention.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class TemporalAttentionTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(TemporalAttentionTest, MatchesPyTorch) {
  testing::Golden golden("ops/temporal_attention.safetensors");
  const std::string& name = GetParam();
  nn::Plan plan(context());
  auto q = testing::goldenInput(plan, golden, name, "q");
  auto k = testing::goldenInput(plan, golden, name, "k");
  auto v = testing::goldenInput(plan, golden, name, "v");
  auto params = golden.params(name);
  nn::Tensor output = nn::temporalAttention(plan, q.tensor, k.tensor, v.tensor, params["heads"].get<uint32_t>(),
                                            params["causal"].get<bool>());
  plan.finalize();
  testing::writeGoldenInputs(context(), {&q, &k, &v});
  plan.run();
  EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Golden, TemporalAttentionTest,
                         ::testing::Values("f16_p5_8x4", "f16_p3_8x4_sharp", "causal_f8_p5_8x8",
                                           "last_of_f8_p7_8x4_causal", "last3_of_f6_p4_2x8_causal", "f4_p3_8x40",
                                           "f32_p3_2x4", "f8_p1_1x160", "f1_p6_2x4"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class TemporalAttentionPlan : public testing::GpuTest {};

TEST_F(TemporalAttentionPlan, RejectsMoreQueryThanKeyFrames) {
  nn::Plan plan(context());
  auto q = plan.persistent({4, 6, 32}), k = plan.persistent({3, 6, 32});
  EXPECT_THROW(nn::temporalAttention(plan, q, k, k, 8), gpu::GpuError);
}

TEST_F(TemporalAttentionPlan, RejectsWindowsLongerThanThePositionTable) {
  nn::Plan plan(context());
  auto x = plan.persistent({nn::kTemporalAttentionMaxFrames + 1, 2, 32});
  EXPECT_THROW(nn::temporalAttention(plan, x, x, x, 8), gpu::GpuError);
}

TEST_F(TemporalAttentionPlan, RejectsPixelsThatDiffer) {
  nn::Plan plan(context());
  auto q = plan.persistent({2, 6, 32}), k = plan.persistent({2, 5, 32});
  EXPECT_THROW(nn::temporalAttention(plan, q, k, k, 8), gpu::GpuError);
}

TEST_F(TemporalAttentionPlan, RejectsHeadSizesOffTheKernel) {
  nn::Plan plan(context());
  auto x = plan.persistent({2, 3, 24});
  EXPECT_THROW(nn::temporalAttention(plan, x, x, x, 12), gpu::GpuError);  // head dimension 2
}

}  // namespace
}  // namespace afterimage
