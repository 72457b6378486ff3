// Attention along the frame axis at every pixel against PyTorch
// (F.scaled_dot_product_attention in f64 on the same f16 inputs, pixels as
// the batch; tests/golden/ops/temporal_attention.safetensors): full and
// causal windows, only the last frames as queries, SD 1.5's head size 40,
// the largest head (160), 32 frames, one frame, and a peaked softmax; and
// with the other frames' softmax weights scaled by a GPU-side weight (0.5,
// 0.25, 0: the query's own frame alone, 0.1 on a full window), PyTorch's as
// an additive log(w) mask. Tolerance: relative L2 error < 2e-3 (f16 output
// rounding).
#include "engine/nn/temporal_attention.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class TemporalAttentionTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(TemporalAttentionTest, MatchesPyTorch) {
  auto op = [](nn::Plan& plan, const nn::Tensor& q, const nn::Tensor& k, const nn::Tensor& v, uint32_t heads,
               bool causal) { return nn::temporalAttention(plan, q, k, v, heads, causal); };
  testing::Golden golden("ops/temporal_attention.safetensors");
  EXPECT_LT(testing::attentionGoldenError(context(), golden, GetParam(), op, kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Golden, TemporalAttentionTest,
                         ::testing::Values("f16_p5_8x4", "f16_p3_8x4_sharp", "causal_f8_p5_8x8",
                                           "last_of_f8_p7_8x4_causal", "last3_of_f6_p4_2x8_causal", "f4_p3_8x40",
                                           "f32_p3_2x4", "f8_p1_1x160", "f1_p6_2x4"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class WeightedTemporalAttentionTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(WeightedTemporalAttentionTest, MatchesPyTorch) {
  testing::Golden golden("ops/temporal_attention.safetensors");
  nn::Plan plan(context());
  auto q = testing::goldenInput(plan, golden, GetParam(), "q");
  auto k = testing::goldenInput(plan, golden, GetParam(), "k");
  auto v = testing::goldenInput(plan, golden, GetParam(), "v");
  auto params = golden.params(GetParam());
  nn::Tensor weight = plan.persistent({1}, nn::DType::F32);
  nn::Tensor output = nn::temporalAttention(plan, q.tensor, k.tensor, v.tensor, params["heads"].get<uint32_t>(),
                                            params["causal"].get<bool>(), &weight);
  plan.finalize();
  testing::writeGoldenInputs(context(), {&q, &k, &v});
  const float w = params["other_weight"].get<float>();
  nn::writeTensor(context(), weight, std::span<const float>(&w, 1));
  plan.run();
  EXPECT_LT(testing::goldenError(context(), output, golden, GetParam(), "output", kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Golden, WeightedTemporalAttentionTest,
                         ::testing::Values("causal_f8_p5_8x8_other_half", "last_of_f8_p7_8x4_causal_other_quarter",
                                           "last_of_f8_p7_8x4_causal_other_none", "f4_p3_8x4_sharp_other_tenth"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class TemporalAttentionPlan : public testing::GpuTest {};

// One recorded plan, the weight changed between runs: 1 gives the unweighted
// attention bit for bit, 0 the query's own frame's values.
TEST_F(TemporalAttentionPlan, TheOtherFramesWeightChangesWithoutRecordingAgain) {
  testing::Golden golden("ops/temporal_attention.safetensors");
  const std::string name = "causal_f8_p5_8x8";
  nn::Plan plan(context());
  auto q = testing::goldenInput(plan, golden, name, "q");
  auto k = testing::goldenInput(plan, golden, name, "k");
  auto v = testing::goldenInput(plan, golden, name, "v");
  nn::Tensor weight = plan.persistent({1}, nn::DType::F32);
  nn::Tensor plain = nn::temporalAttention(plan, q.tensor, k.tensor, v.tensor, 8, true);
  nn::Tensor weighted = nn::temporalAttention(plan, q.tensor, k.tensor, v.tensor, 8, true, &weight);
  plan.finalize();
  testing::writeGoldenInputs(context(), {&q, &k, &v});
  const float one = 1.0f, zero = 0.0f;
  nn::writeTensor(context(), weight, std::span<const float>(&one, 1));
  plan.run();
  EXPECT_EQ(nn::readTensor(context(), weighted), nn::readTensor(context(), plain));
  nn::writeTensor(context(), weight, std::span<const float>(&zero, 1));
  plan.run();
  std::vector<float> alone = nn::readTensor(context(), weighted), values = nn::readTensor(context(), v.tensor);
  ASSERT_EQ(alone.size(), values.size());
  for (size_t i = 0; i < alone.size(); ++i) ASSERT_EQ(alone[i], values[i]) << "element " << i;
}

TEST_F(TemporalAttentionPlan, RejectsAWeightThatIsNotOneFloat) {
  nn::Plan plan(context());
  auto x = plan.persistent({2, 3, 32});
  auto two = plan.persistent({2}, nn::DType::F32);
  EXPECT_THROW(nn::temporalAttention(plan, x, x, x, 8, true, &two), gpu::GpuError);
}

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
