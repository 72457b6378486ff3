// Scaled dot-product attention against PyTorch (F.scaled_dot_product_attention
// in f64 on the same f16 inputs; tests/golden/ops/attention.safetensors):
// self and cross attention (Tk = 77), head sizes 4 to 128, query counts
// across several workgroups and key counts across several shared-memory
// blocks, a sharply peaked softmax, and causal masking (CLIP).
// Tolerance: relative L2 error < 2e-3 (f16 output rounding).
#include "engine/nn/attention.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class AttentionTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(AttentionTest, MatchesPyTorch) {
  auto op = [](nn::Plan& plan, const nn::Tensor& q, const nn::Tensor& k, const nn::Tensor& v, uint32_t heads,
               bool causal) { return nn::attention(plan, q, k, v, heads, causal); };
  testing::Golden golden("ops/attention.safetensors");
  EXPECT_LT(testing::attentionGoldenError(context(), golden, GetParam(), op, kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Golden, AttentionTest,
                         ::testing::Values("self_t37_5x8", "cross_t37_k77_5x8_sharp", "self_t100_2x16", "self_t37_5x64",
                                           "cross_t37_k77_2x64", "cross_t20_k24_2x128", "self_t3_1x4", "causal_t77_4x8"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class AttentionPlan : public testing::GpuTest {};

// Memory-efficient: the only activation is the output, however many tokens.
TEST_F(AttentionPlan, StoresNoAttentionMatrix) {
  nn::Plan plan(context());
  const uint32_t tokens = 4096, channels = 320;
  auto q = plan.persistent({1, tokens, channels}), k = plan.persistent({1, tokens, channels});
  auto v = plan.persistent({1, tokens, channels});
  nn::attention(plan, q, k, v, 5);
  EXPECT_EQ(plan.activationBytes(), size_t(tokens) * channels * 2);
}

TEST_F(AttentionPlan, RejectsHeadsThatDoNotSplitChannels) {
  nn::Plan plan(context());
  auto x = plan.persistent({1, 8, 40});
  EXPECT_THROW(nn::attention(plan, x, x, x, 3), gpu::GpuError);
  EXPECT_THROW(nn::attention(plan, x, x, x, 20), gpu::GpuError);  // head dimension 2: not a multiple of 4
}

TEST_F(AttentionPlan, RejectsKeysWithOtherChannels) {
  nn::Plan plan(context());
  auto q = plan.persistent({1, 8, 40}), k = plan.persistent({1, 77, 32});
  EXPECT_THROW(nn::attention(plan, q, k, k, 5), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
