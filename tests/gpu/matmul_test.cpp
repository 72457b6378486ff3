// matmul: f16 storage, f32 accumulation, against a CPU reference in f64 on
// the same f16-rounded inputs. Sizes are deliberately not multiples of the
// 64x64 tile. Tolerance: relative L2 error < 2e-3 (f16 output rounding).
#include "engine/nn/matmul.h"

#include "engine/nn/half.h"

#include "engine/gpu/command_sequence.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

struct Case {
  nn::MatmulShape shape;
  bool bias;
};

class MatmulTest : public GpuTest, public ::testing::WithParamInterface<Case> {};

TEST_P(MatmulTest, MatchesCpuReference) {
  const auto& [shape, withBias] = GetParam();
  auto a = testing::randomHalfValues(size_t(shape.batch) * shape.M * shape.K, 1);
  auto b = testing::randomHalfValues(size_t(shape.batch) * shape.K * shape.N, 2);
  std::vector<float> bias = withBias ? testing::randomHalfValues(shape.N, 3) : std::vector<float>{};
  auto sa = testing::uploadHalf(context(), a), sb = testing::uploadHalf(context(), b);
  gpu::BufferSlice sbias = withBias ? testing::uploadHalf(context(), bias) : gpu::BufferSlice{};
  auto sc = context().arena().allocate(size_t(shape.batch) * shape.M * shape.N * 2);

  gpu::CommandSequence sequence(context());
  sequence.begin();
  nn::recordMatmul(context(), sequence, shape, sa, sb, sbias, sc);
  sequence.end();
  sequence.run();

  auto got = testing::downloadHalf(context(), sc, size_t(shape.batch) * shape.M * shape.N);
  auto expected = nn::matmulReference(shape, a, b, bias);
  double error = testing::relativeL2(got, expected);
  std::printf("matmul %ux%ux%u batch %u%s%s: relative L2 error %.2e\n", shape.M, shape.N, shape.K, shape.batch,
              shape.bTransposed ? " B^T" : "", withBias ? " +bias" : "", error);
  EXPECT_LT(error, 2e-3);
  for (auto s : {sa, sb, sbias, sc}) context().arena().release(s);
}

INSTANTIATE_TEST_SUITE_P(OddSizes, MatmulTest,
                         ::testing::Values(Case{{1, 1, 1}, false}, Case{{37, 53, 29}, false},
                                           Case{{65, 130, 67}, true}, Case{{100, 31, 257, 1, true}, true},
                                           Case{{17, 70, 33, 3}, false}, Case{{64, 64, 64, 2, true, 0.125f}, false},
                                           Case{{200, 150, 300}, false}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           const auto& s = info.param.shape;
                           return std::to_string(s.M) + "x" + std::to_string(s.N) + "x" + std::to_string(s.K) + "_b" +
                                  std::to_string(s.batch) + (s.bTransposed ? "_bT" : "") +
                                  (info.param.bias ? "_bias" : "");
                         });

TEST_F(GpuTest, ValidationLayerIsOn) { EXPECT_TRUE(context().instance().validationEnabled()); }

TEST_F(GpuTest, RecordedMatmulReplaysWithNewInputs) {
  nn::MatmulShape shape{20, 24, 16};
  auto a1 = testing::randomHalfValues(20 * 16, 7), a2 = testing::randomHalfValues(20 * 16, 8);
  auto b = testing::randomHalfValues(16 * 24, 9);
  auto sa = testing::uploadHalf(context(), a1), sb = testing::uploadHalf(context(), b);
  auto sc = context().arena().allocate(20 * 24 * 2);
  gpu::CommandSequence sequence(context());
  sequence.begin();
  nn::recordMatmul(context(), sequence, shape, sa, sb, {}, sc);
  sequence.timestamp("matmul");
  sequence.end();

  for (const auto* a : {&a1, &a2}) {
    auto half = nn::toHalf(*a);
    context().upload(sa, half.data(), half.size() * 2);
    sequence.run();
    auto got = testing::downloadHalf(context(), sc, 20 * 24);
    EXPECT_LT(testing::relativeL2(got, nn::matmulReference(shape, *a, b, {})), 2e-3);
  }
  auto times = sequence.stageTimes();
  ASSERT_EQ(times.size(), 1u);
  EXPECT_EQ(times[0].label, "matmul");
  EXPECT_GE(times[0].milliseconds, 0.0);
  for (auto s : {sa, sb, sc}) context().arena().release(s);
}

}  // namespace
}  // namespace afterimage
