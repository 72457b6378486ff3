// transposeLastTwo against PyTorch goldens (tools/reference/ops_transpose.py).
// Tolerance: transpose is a copy, exact (1e-7).
#include "engine/gpu/gpu_error.h"
#include "engine/nn/transpose.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

class TransposeTest : public testing::GpuTest {};

TEST_F(TransposeTest, MatchesPyTorch) {
  testing::Golden golden("ops/transpose.safetensors");
  for (const auto& name : golden.cases()) {
    nn::Plan plan(context());
    auto input = testing::goldenInput(plan, golden, name, "input");
    auto output = nn::transposeLastTwo(plan, input.tensor);
    plan.finalize();
    EXPECT_EQ(output.shape(), golden.shape(name, "output"));
    testing::writeGoldenInputs(context(), {&input});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", 1e-7), 1e-7) << name;
  }
}

TEST_F(TransposeTest, RejectsBadShapes) {
  nn::Plan plan(context());
  EXPECT_THROW(nn::transposeLastTwo(plan, plan.persistent({2, 3, 4, 5})), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
