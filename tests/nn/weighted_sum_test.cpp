// weightedSum against PyTorch (tools/reference/ops_weighted_sum.py), into a
// new activation and in place into one of its inputs, and new coefficients
// taking effect on replay without recording again.
// Tolerance: relative L2 < 2e-3 (f16 output rounding).
#include "engine/nn/weighted_sum.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class WeightedSumTest : public testing::GpuTest {};

TEST_F(WeightedSumTest, MatchesPyTorch) {
  testing::Golden golden("ops/weighted_sum.safetensors");
  for (const auto& name : golden.cases()) {
    for (bool inPlace : {false, true}) {
      auto params = golden.params(name);
      nn::Plan plan(context());
      std::vector<testing::GoldenInput> xs;
      for (int i = 0; i < params["inputs"].get<int>(); ++i)
        xs.push_back(testing::goldenInput(plan, golden, name, "x" + std::to_string(i)));
      auto coefficients = testing::goldenInput(plan, golden, name, "coefficients", nn::DType::F32);
      std::vector<nn::Tensor> inputs;
      for (const auto& x : xs) inputs.push_back(x.tensor);
      nn::Tensor out = nn::weightedSum(plan, inputs, coefficients.tensor, params["first"].get<uint32_t>(),
                                       inPlace ? inputs.back() : nn::Tensor{});
      plan.finalize();
      for (const auto& x : xs) testing::writeGoldenInputs(context(), {&x});
      testing::writeGoldenInputs(context(), {&coefficients});
      plan.run();
      EXPECT_LT(testing::goldenError(context(), out, golden, name, "output", kTolerance), kTolerance)
          << name << (inPlace ? " in place" : "");
    }
  }
}

TEST_F(WeightedSumTest, NewCoefficientsApplyOnReplay) {
  nn::Plan plan(context());
  auto x = plan.persistent({64}), y = plan.persistent({64});
  auto c = plan.persistent({2}, nn::DType::F32);
  auto out = nn::weightedSum(plan, {x, y}, c, 0);
  plan.finalize();
  nn::writeTensor(context(), x, std::vector<float>(64, 1.0f));
  nn::writeTensor(context(), y, std::vector<float>(64, 2.0f));
  for (float a : {0.5f, -3.0f}) {
    nn::writeTensor(context(), c, std::vector<float>{a, 0.25f});
    plan.run();
    EXPECT_FLOAT_EQ(nn::readTensor(context(), out)[17], a + 0.5f);
  }
}

TEST_F(WeightedSumTest, RejectsMismatchedShapes) {
  nn::Plan plan(context());
  auto c = plan.persistent({4}, nn::DType::F32);
  EXPECT_THROW(nn::weightedSum(plan, {plan.persistent({4}), plan.persistent({5})}, c, 0), gpu::GpuError);
  EXPECT_THROW(nn::weightedSum(plan, {plan.persistent({4})}, c, 4), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
