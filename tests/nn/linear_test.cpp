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

}  // namespace
}  // namespace afterimage
