// conv2d against PyTorch (tests/golden/ops/conv2d.safetensors, written by
// tools/reference/ops_conv2d.py): every golden case, f16 storage with f32
// accumulation within a relative L2 error of 2e-3.
#include "engine/nn/conv2d.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

constexpr double kTolerance = 2e-3;  // relative L2, f16 output rounding dominates

nn::Activation activationNamed(const std::string& name) {
  if (name == "relu") return nn::Activation::ReLU;
  if (name == "silu") return nn::Activation::SiLU;
  if (name == "gelu") return nn::Activation::GELU;
  if (name == "tanh_clamp") return nn::Activation::TanhClamp;
  return nn::Activation::None;
}

class Conv2dTest : public GpuTest {};

TEST_F(Conv2dTest, MatchesPyTorchOnEveryGoldenCase) {
  testing::Golden golden("ops/conv2d.safetensors");
  auto cases = golden.cases();
  ASSERT_GE(cases.size(), 8u);
  for (const auto& name : cases) {
    SCOPED_TRACE(name);
    auto params = golden.params(name);
    nn::Plan plan(context());
    auto input = testing::goldenInput(plan, golden, name, "input");
    auto weight = testing::goldenInput(plan, golden, name, "weight");
    testing::GoldenInput bias, residual;
    if (golden.has(name, "bias")) bias = testing::goldenInput(plan, golden, name, "bias");
    if (golden.has(name, "residual")) residual = testing::goldenInput(plan, golden, name, "residual");
    nn::Conv2dOptions options{params["stride"].get<uint32_t>(), params["padding"].get<uint32_t>(),
                              activationNamed(params["activation"].get<std::string>())};
    auto output = nn::conv2d(plan, input.tensor, {weight.tensor, bias.tensor}, options, residual.tensor);
    ASSERT_EQ(output.shape(), golden.shape(name, "output"));
    plan.finalize();
    testing::writeGoldenInputs(context(), {&input, &weight});
    if (bias.tensor.valid()) testing::writeGoldenInputs(context(), {&bias});
    if (residual.tensor.valid()) testing::writeGoldenInputs(context(), {&residual});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
  }
}

TEST_F(Conv2dTest, MismatchedWeightIsAnErrorNamingBothShapes) {
  nn::Plan plan(context());
  auto input = plan.persistent({1, 4, 8, 8});
  auto weight = plan.persistent({6, 5, 3, 3});
  try {
    nn::conv2d(plan, input, {weight, {}});
    FAIL() << "expected an error";
  } catch (const gpu::GpuError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("[6, 5, 3, 3]"), std::string::npos) << message;
    EXPECT_NE(message.find("[1, 4, 8, 8]"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace afterimage
