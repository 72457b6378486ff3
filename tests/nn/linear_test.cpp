// linear (y = x W^T + b with a fused activation) and batched matmul against
// PyTorch (F.linear, torch.bmm in f64 on the same f16 inputs;
// tests/golden/ops/linear.safetensors). Odd sizes throughout.
// Tolerance: relative L2 error < 2e-3 (f16 output rounding).
#include "engine/nn/linear.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class LinearTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(LinearTest, MatchesPyTorch) {
  testing::Golden golden("ops/linear.safetensors");
  const std::string& name = GetParam();
  auto params = golden.params(name);
  nn::Plan plan(context());
  nn::Tensor output;
  std::vector<testing::GoldenInput> inputs;
  inputs.reserve(3);
  if (params["op"] == "linear") {
    inputs.push_back(testing::goldenInput(plan, golden, name, "input"));
    inputs.push_back(testing::goldenInput(plan, golden, name, "weight"));
    nn::Tensor bias;
    if (golden.has(name, "bias")) {
      inputs.push_back(testing::goldenInput(plan, golden, name, "bias"));
      bias = inputs.back().tensor;
    }
    output = nn::linear(plan, inputs[0].tensor, inputs[1].tensor, bias, nn::activationNamed(params["activation"].get<std::string>()));
  } else {
    inputs.push_back(testing::goldenInput(plan, golden, name, "a"));
    inputs.push_back(testing::goldenInput(plan, golden, name, "b"));
    output = nn::batchedMatmul(plan, inputs[0].tensor, inputs[1].tensor, params["transposed"].get<bool>(),
                               params["alpha"].get<float>());
  }
  plan.finalize();
  for (const auto& input : inputs) testing::writeGoldenInputs(context(), {&input});
  plan.run();
  EXPECT_EQ(output.shape(), golden.shape(name, "output"));
  EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Golden, LinearTest,
                         ::testing::Values("lin_t37_40to24", "lin_rank2_64to200_silu", "lin_t77_33to65_gelu_nobias",
                                           "lin_16to8_relu", "bmm_37x29x53", "bmm_t_17x40x77_alpha"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class LinearErrors : public testing::GpuTest {};

TEST_F(LinearErrors, WeightMustMatchInputFeatures) {
  nn::Plan plan(context());
  auto input = plan.persistent({2, 5, 16}), weight = plan.persistent({8, 15});
  EXPECT_THROW(nn::linear(plan, input, weight), gpu::GpuError);
}

TEST_F(LinearErrors, BatchedMatmulInnerDimensionsMustAgree) {
  nn::Plan plan(context());
  auto a = plan.persistent({2, 5, 16}), b = plan.persistent({2, 16, 7});
  EXPECT_NO_THROW(nn::batchedMatmul(plan, a, b));
  EXPECT_THROW(nn::batchedMatmul(plan, a, b, true), gpu::GpuError);
}

using LinearFusion = testing::GpuTest;

// The fused forms give what the separate ops give: linearStacked's item l is
// linear with weight l; linearToChannels is linear, transposed to channels
// first, plus the residual; linear's residual is added before its activation.
TEST_F(LinearFusion, StackedToChannelsAndResidualMatchTheSeparateOps) {
  const uint32_t batch = 2, tokens = 24, in = 40, out = 16;
  nn::Plan plan(context());
  auto input = plan.persistent({batch, tokens, in});
  auto weights = plan.persistent({3, out, in});
  auto bias = plan.persistent({out});
  auto channelsResidual = plan.persistent({batch, out, tokens});
  auto tokensResidual = plan.persistent({batch, tokens, out});
  auto stacked = nn::linearStacked(plan, input, weights);
  std::vector<nn::Tensor> separate;
  for (uint32_t l = 0; l < 3; ++l)
    separate.push_back(nn::linear(plan, input, weights.batchItem(l).reshaped({out, in})));
  auto toChannels = nn::linearToChannels(plan, input, weights.batchItem(0).reshaped({out, in}), bias, channelsResidual);
  auto withResidual = nn::linear(plan, input, weights.batchItem(0).reshaped({out, in}), bias, nn::Activation::GELU,
                                 tokensResidual);
  auto plain = nn::linear(plan, input, weights.batchItem(0).reshaped({out, in}), bias);
  ASSERT_EQ(stacked.shape(), (nn::Shape{3, batch, tokens, out}));
  ASSERT_EQ(toChannels.shape(), (nn::Shape{batch, out, tokens}));
  plan.finalize();
  nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 41));
  nn::writeTensor(context(), weights, testing::randomHalfValues(weights.elements(), 42, -0.2f, 0.2f));
  nn::writeTensor(context(), bias, testing::randomHalfValues(bias.elements(), 43));
  auto channelsValues = testing::randomHalfValues(channelsResidual.elements(), 44);
  auto tokensValues = testing::randomHalfValues(tokensResidual.elements(), 45);
  nn::writeTensor(context(), channelsResidual, channelsValues);
  nn::writeTensor(context(), tokensResidual, tokensValues);
  plan.run();

  auto all = nn::readTensor(context(), stacked);
  for (uint32_t l = 0; l < 3; ++l) {
    auto expected = nn::readTensor(context(), separate[l]);
    std::vector<float> item(all.begin() + l * expected.size(), all.begin() + (l + 1) * expected.size());
    EXPECT_LT(testing::relativeL2(item, expected), 1e-6) << "layer " << l;
  }
  auto plainValues = nn::readTensor(context(), plain);
  std::vector<float> expectedChannels(channelsValues.size()), expectedResidual(tokensValues.size());
  for (uint32_t n = 0; n < batch; ++n)
    for (uint32_t t = 0; t < tokens; ++t)
      for (uint32_t c = 0; c < out; ++c) {
        size_t tokenMajor = (size_t(n) * tokens + t) * out + c, channelMajor = (size_t(n) * out + c) * tokens + t;
        expectedChannels[channelMajor] = plainValues[tokenMajor] + channelsValues[channelMajor];
        expectedResidual[tokenMajor] = nn::activate(nn::Activation::GELU, plainValues[tokenMajor] + tokensValues[tokenMajor]);
      }
  double channelsError = testing::relativeL2(nn::readTensor(context(), toChannels), expectedChannels);
  double residualError = testing::relativeL2(nn::readTensor(context(), withResidual), expectedResidual);
  std::printf("linearToChannels: relative L2 error %.2e; linear + residual + GELU: %.2e\n", channelsError,
              residualError);
  EXPECT_LT(channelsError, kTolerance);
  EXPECT_LT(residualError, kTolerance);
}

}  // namespace
}  // namespace afterimage
