// Group norm and layer norm against PyTorch (F.group_norm, F.layer_norm in
// f64 on the same f16 inputs; tests/golden/ops/norm.safetensors). Includes
// inputs with a large mean, which a one-pass f32 variance gets wrong, and
// segments several kSplitNormChunkLength long with a short last chunk, so the
// split kernel merges unequal chunks.
// Tolerance: relative L2 error < 2e-3 (f16 output rounding).
#include "engine/nn/normalization.h"

#include "engine/nn/concat.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

// Each case with both kernels (the device's choice depends on the size).
class NormalizationTest : public testing::GpuTest,
                          public ::testing::WithParamInterface<std::tuple<std::string, nn::NormKernel>> {};

TEST_P(NormalizationTest, MatchesPyTorch) {
  testing::Golden golden("ops/norm.safetensors");
  const auto& [name, kernel] = GetParam();
  auto params = golden.params(name);
  nn::Plan plan(context());
  auto input = testing::goldenInput(plan, golden, name, "input");
  auto gamma = testing::goldenInput(plan, golden, name, "gamma");
  auto beta = testing::goldenInput(plan, golden, name, "beta");
  float eps = params["eps"].get<float>();
  nn::Tensor output = params["op"] == "group_norm"
                          ? nn::groupNorm(plan, input.tensor, gamma.tensor, beta.tensor,
                                          params["groups"].get<uint32_t>(), eps,
                                          nn::activationNamed(params["activation"].get<std::string>()), kernel)
                          : nn::layerNorm(plan, input.tensor, gamma.tensor, beta.tensor, eps, kernel);
  plan.finalize();
  testing::writeGoldenInputs(context(), {&input, &gamma, &beta});
  plan.run();
  EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(
    Golden, NormalizationTest,
    ::testing::Combine(::testing::Values("gn_c40_g5", "gn_c64_g32_silu", "gn_c96_g32_gelu", "gn_large_mean",
                                         "gn_c4_g4_1x1", "ln_t37_c40", "ln_c320_large_mean", "ln_c33", "ln_rank2_c1024",
                                         "gn_long_segments_large_mean"),
                       ::testing::Values(nn::NormKernel::Workgroup, nn::NormKernel::Serial, nn::NormKernel::Split)),
    [](const auto& info) {
      switch (std::get<1>(info.param)) {
        case nn::NormKernel::Serial: return std::get<0>(info.param) + "_serial";
        case nn::NormKernel::Split: return std::get<0>(info.param) + "_split";
        default: return std::get<0>(info.param) + "_workgroup";
      }
    });

const auto kEveryNormKernel =
    ::testing::Values(nn::NormKernel::Workgroup, nn::NormKernel::Serial, nn::NormKernel::Split);

std::string normKernelName(const ::testing::TestParamInfo<nn::NormKernel>& info) {
  return info.param == nn::NormKernel::Serial ? "serial" : info.param == nn::NormKernel::Split ? "split" : "workgroup";
}

// groupNormToTokens stores what groupNorm does, transposed to [N, H*W, C],
// with each kernel (segments of 2 x 72 x 64 elements: two split chunks, the
// second short).
class GroupNormToTokens : public testing::GpuTest, public ::testing::WithParamInterface<nn::NormKernel> {};

TEST_P(GroupNormToTokens, IsTheTransposedGroupNorm) {
  const uint32_t batch = 2, channels = 8, height = 72, width = 64, groups = 4, spatial = height * width;
  nn::Plan plan(context());
  auto input = plan.persistent({batch, channels, height, width});
  auto gamma = plan.persistent({channels}), beta = plan.persistent({channels});
  auto plain = nn::groupNorm(plan, input, gamma, beta, groups, 1e-6f, nn::Activation::None, GetParam());
  auto tokens = nn::groupNormToTokens(plan, input, gamma, beta, groups, 1e-6f, GetParam());
  ASSERT_EQ(tokens.shape(), (nn::Shape{batch, spatial, channels}));
  plan.finalize();
  nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 51));
  nn::writeTensor(context(), gamma, testing::randomHalfValues(channels, 52));
  nn::writeTensor(context(), beta, testing::randomHalfValues(channels, 53));
  plan.run();
  auto nchw = nn::readTensor(context(), plain);
  std::vector<float> expected(nchw.size());
  for (uint32_t n = 0; n < batch; ++n)
    for (uint32_t c = 0; c < channels; ++c)
      for (uint32_t i = 0; i < spatial; ++i)
        expected[(size_t(n) * spatial + i) * channels + c] = nchw[(size_t(n) * channels + c) * spatial + i];
  EXPECT_EQ(nn::readTensor(context(), tokens), expected);
}

INSTANTIATE_TEST_SUITE_P(Kernels, GroupNormToTokens,
                         kEveryNormKernel, normKernelName);

// groupNormConcatenated reads [first, second] in place and stores exactly
// what groupNorm of the stored concatenation does, with each kernel: two
// images, a group (channels 4-7) straddling the two inputs, segments of two
// split chunks.
class GroupNormConcatenated : public testing::GpuTest, public ::testing::WithParamInterface<nn::NormKernel> {};

TEST_P(GroupNormConcatenated, IsTheGroupNormOfTheConcatenation) {
  const uint32_t batch = 2, firstChannels = 6, secondChannels = 10, height = 36, width = 64, groups = 4;
  const uint32_t channels = firstChannels + secondChannels;
  nn::Plan plan(context());
  auto first = plan.persistent({batch, firstChannels, height, width});
  auto second = plan.persistent({batch, secondChannels, height, width});
  auto gamma = plan.persistent({channels}), beta = plan.persistent({channels});
  auto joined = nn::concatChannels(plan, first, second);
  auto expected = nn::groupNorm(plan, joined, gamma, beta, groups, 1e-5f, nn::Activation::SiLU, GetParam());
  auto fused = nn::groupNormConcatenated(plan, first, second, gamma, beta, groups, 1e-5f, nn::Activation::SiLU,
                                         GetParam());
  ASSERT_EQ(fused.shape(), (nn::Shape{batch, channels, height, width}));
  plan.finalize();
  nn::writeTensor(context(), first, testing::randomHalfValues(first.elements(), 61));
  nn::writeTensor(context(), second, testing::randomHalfValues(second.elements(), 62));
  nn::writeTensor(context(), gamma, testing::randomHalfValues(channels, 63));
  nn::writeTensor(context(), beta, testing::randomHalfValues(channels, 64));
  plan.run();
  EXPECT_EQ(nn::readTensor(context(), fused), nn::readTensor(context(), expected));
}

INSTANTIATE_TEST_SUITE_P(Kernels, GroupNormConcatenated,
                         kEveryNormKernel, normKernelName);

class NormalizationErrors : public testing::GpuTest {};

TEST_F(NormalizationErrors, GroupNormConcatenatedRejectsASecondInputOfAnotherSize) {
  nn::Plan plan(context());
  auto first = plan.persistent({1, 4, 4, 4}), second = plan.persistent({1, 4, 4, 5});
  auto gamma = plan.persistent({8}), beta = plan.persistent({8});
  EXPECT_THROW(nn::groupNormConcatenated(plan, first, second, gamma, beta, 2, 1e-5f), gpu::GpuError);
}

TEST_F(NormalizationErrors, GroupNormRejectsChannelsNotDivisibleByGroups) {
  nn::Plan plan(context());
  auto input = plan.persistent({1, 10, 4, 4});
  auto gamma = plan.persistent({10}), beta = plan.persistent({10});
  EXPECT_THROW(nn::groupNorm(plan, input, gamma, beta, 4, 1e-5f), gpu::GpuError);
}

TEST_F(NormalizationErrors, LayerNormRejectsMisShapedGamma) {
  nn::Plan plan(context());
  auto input = plan.persistent({3, 8});
  auto gamma = plan.persistent({7}), beta = plan.persistent({8});
  EXPECT_THROW(nn::layerNorm(plan, input, gamma, beta, 1e-5f), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
