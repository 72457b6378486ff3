// linearGeglu (a linear layer and GEGLU in one GEMM) against PyTorch's GEGLU
// arithmetic (tools/reference/ops_geglu.py: hidden, gate = x.chunk(2, -1);
// hidden * F.gelu(gate)): through an identity layer the fused kernel must
// give exactly what GEGLU gives its input. The device's own kernel runs
// (the register kernel on lavapipe; on a GPU the tensor-core or tiled one).
// Tolerance: the output is rounded to f16, relative L2 < 2e-3.
#include <stdexcept>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/linear.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

class LinearGegluTest : public testing::GpuTest {};

TEST_F(LinearGegluTest, IdentityLayerMatchesPyTorchGeglu) {
  testing::Golden golden("ops/geglu.safetensors");
  for (const auto& name : golden.cases()) {
    nn::Plan plan(context());
    auto input = testing::goldenInput(plan, golden, name, "input");
    const uint32_t width = input.tensor.dim(-1);
    std::vector<float> identity(size_t(width) * width, 0.0f);
    for (uint32_t i = 0; i < width; ++i) identity[size_t(i) * width + i] = 1.0f;
    testing::GoldenInput weight{plan.persistent({width, width}), nn::interleaveGegluRows(identity, width)};
    auto output = nn::linearGeglu(plan, input.tensor, weight.tensor);
    plan.finalize();
    EXPECT_EQ(output.shape(), golden.shape(name, "output"));
    testing::writeGoldenInputs(context(), {&input, &weight});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", 2e-3), 2e-3) << name;
  }
}

TEST_F(LinearGegluTest, InterleavesValueAndGateRows) {
  // Rows 0..3 of a [4, 2] weight: values 0, 1 and their gates 2, 3.
  EXPECT_EQ(nn::interleaveGegluRows({0, 0, 1, 1, 2, 2, 3, 3}, 2), (std::vector<float>{0, 0, 2, 2, 1, 1, 3, 3}));
  EXPECT_EQ(nn::interleaveGegluRows({10, 11, 20, 21}, 1), (std::vector<float>{10, 20, 11, 21}));
  EXPECT_THROW(nn::interleaveGegluRows({1, 2, 3}, 1), std::invalid_argument);
  EXPECT_THROW(nn::interleaveGegluRows({1, 2, 3, 4}, 0), std::invalid_argument);
}

TEST_F(LinearGegluTest, RejectsAnOddNumberOfRows) {
  nn::Plan plan(context());
  EXPECT_THROW(nn::linearGeglu(plan, plan.persistent({3, 8}), plan.persistent({5, 8})), gpu::GpuError);
  EXPECT_THROW(nn::linearGeglu(plan, plan.persistent({3, 8}), plan.persistent({6, 4})), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
