// transposeLastTwo and geglu against PyTorch goldens (tools/reference/
// ops_transpose.py, ops_geglu.py). Tolerances: transpose is a copy, exact
// (1e-7); GEGLU rounds its output to f16: relative L2 < 2e-3.
#include "engine/gpu/gpu_error.h"
#include "engine/nn/geglu.h"
#include "engine/nn/transpose.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

class TransposeGegluTest : public testing::GpuTest {};

TEST_F(TransposeGegluTest, TransposeMatchesPyTorch) {
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

TEST_F(TransposeGegluTest, GegluMatchesPyTorch) {
  testing::Golden golden("ops/geglu.safetensors");
  for (const auto& name : golden.cases()) {
    nn::Plan plan(context());
    auto input = testing::goldenInput(plan, golden, name, "input");
    auto output = nn::geglu(plan, input.tensor);
    plan.finalize();
    EXPECT_EQ(output.shape(), golden.shape(name, "output"));
    testing::writeGoldenInputs(context(), {&input});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", 2e-3), 2e-3) << name;
  }
}

TEST_F(TransposeGegluTest, RejectsBadShapes) {
  nn::Plan plan(context());
  EXPECT_THROW(nn::geglu(plan, plan.persistent({3, 5})), gpu::GpuError);
  EXPECT_THROW(nn::transposeLastTwo(plan, plan.persistent({2, 3, 4, 5})), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
