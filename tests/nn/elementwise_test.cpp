// The elementwise family against PyTorch (tests/golden/ops/elementwise.safetensors,
// written by tools/reference/ops_elementwise.py): add and multiply with
// broadcasting, scale, activations, nearest upsampling by 2 and channel
// concatenation, each within a relative L2 error of 2e-3 (f16 storage).
#include "engine/nn/elementwise.h"

#include "engine/gpu/gpu_error.h"
#include "engine/nn/concat.h"
#include "engine/nn/resample.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

constexpr double kTolerance = 2e-3;  // relative L2; f16 output rounding alone is ~3e-4

class ElementwiseTest : public GpuTest {
 protected:
  // Runs every golden case whose "op" parameter is `op`; returns how many ran.
  int runCases(const std::string& op) {
    testing::Golden golden("ops/elementwise.safetensors");
    int count = 0;
    for (const auto& name : golden.cases()) {
      auto params = golden.params(name);
      if (params["op"] != op) continue;
      SCOPED_TRACE(name);
      ++count;
      nn::Plan plan(context());
      auto a = testing::goldenInput(plan, golden, name, "a");
      testing::GoldenInput b;
      if (golden.has(name, "b")) b = testing::goldenInput(plan, golden, name, "b");
      nn::Tensor output;
      if (op == "add") {
        output = nn::add(plan, a.tensor, b.tensor, nn::activationNamed(params["activation"].get<std::string>()));
      } else if (op == "multiply") {
        output = nn::multiply(plan, a.tensor, b.tensor);
      } else if (op == "scale") {
        output = nn::scale(plan, a.tensor, params["scale"].get<float>(), params["offset"].get<float>());
      } else if (op == "activate") {
        output = nn::activate(plan, a.tensor, nn::activationNamed(params["activation"].get<std::string>()));
      } else if (op == "upsample") {
        output = nn::upsampleNearest2x(plan, a.tensor);
      } else if (op == "concat") {
        output = nn::concatChannels(plan, a.tensor, b.tensor);
      }
      EXPECT_EQ(output.shape(), golden.shape(name, "output"));
      plan.finalize();
      testing::writeGoldenInputs(context(), {&a});
      if (b.tensor.valid()) testing::writeGoldenInputs(context(), {&b});
      plan.run();
      EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
    }
    return count;
  }
};

TEST_F(ElementwiseTest, AddBroadcastsTheSecondOperandAndFusesTheActivation) { EXPECT_GE(runCases("add"), 6); }
TEST_F(ElementwiseTest, MultiplyBroadcastsTheSecondOperand) { EXPECT_GE(runCases("multiply"), 3); }
TEST_F(ElementwiseTest, ScaleMultipliesThenOffsets) { EXPECT_GE(runCases("scale"), 1); }
TEST_F(ElementwiseTest, ActivationsMatchPyTorch) { EXPECT_GE(runCases("activate"), 4); }
TEST_F(ElementwiseTest, UpsampleNearest2xRepeatsEachPixel) { EXPECT_GE(runCases("upsample"), 2); }
TEST_F(ElementwiseTest, ConcatJoinsChannelsOfImagesAndSequences) { EXPECT_GE(runCases("concat"), 2); }

TEST_F(ElementwiseTest, UnbroadcastableShapesAreAnErrorNamingThem) {
  nn::Plan plan(context());
  auto a = plan.persistent({2, 5, 7, 9}), b = plan.persistent({3, 1, 1});
  try {
    nn::add(plan, a, b);
    FAIL() << "expected an error";
  } catch (const gpu::GpuError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("[3, 1, 1]"), std::string::npos) << message;
    EXPECT_NE(message.find("[2, 5, 7, 9]"), std::string::npos) << message;
  }
}

TEST_F(ElementwiseTest, ConcatOfMismatchedSizesIsAnError) {
  nn::Plan plan(context());
  auto a = plan.persistent({1, 3, 5, 7}), b = plan.persistent({1, 3, 5, 6});
  EXPECT_THROW(nn::concatChannels(plan, a, b), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
