// matmul: f16 storage, f32 accumulation, against a CPU reference in f64 on
// the same f16-rounded inputs, for each kernel. Sizes are deliberately not
// multiples of the tiles (64x64 tiled; 16 rows x 128 columns register), and
// cover the register kernel's word-load path (K and N multiples of 8) and
// its single-half path. Tolerance: relative L2 error < 2e-3 (f16 output
// rounding).
#include "engine/nn/matmul.h"

#include <stdexcept>
#include <string>
#include <tuple>

#include "engine/nn/half.h"

#include "engine/gpu/command_sequence.h"
#include "engine/gpu/device_info.h"
#include "engine/gpu/gpu_error.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using testing::GpuTest;

struct Case {
  nn::MatmulShape shape;
  bool bias;
};

class MatmulTest : public GpuTest, public ::testing::WithParamInterface<std::tuple<nn::MatmulKernel, Case>> {};

TEST_P(MatmulTest, MatchesCpuReference) {
  const auto& [kernel, testCase] = GetParam();
  const auto& [shape, withBias] = testCase;
  auto a = testing::randomHalfValues(size_t(shape.batch) * shape.M * shape.K, 1);
  auto b = testing::randomHalfValues(size_t(shape.batch) * shape.K * shape.N, 2);
  std::vector<float> bias = withBias ? testing::randomHalfValues(shape.N, 3) : std::vector<float>{};
  auto sa = testing::uploadHalf(context(), a), sb = testing::uploadHalf(context(), b);
  gpu::BufferSlice sbias = withBias ? testing::uploadHalf(context(), bias) : gpu::BufferSlice{};
  auto sc = context().arena().allocate(size_t(shape.batch) * shape.M * shape.N * 2);

  gpu::CommandSequence sequence(context());
  sequence.begin();
  nn::recordMatmul(context(), sequence, shape, sa, sb, {.bias = sbias}, sc, kernel);
  sequence.end();
  sequence.run();

  auto got = testing::downloadHalf(context(), sc, size_t(shape.batch) * shape.M * shape.N);
  auto expected = nn::matmulReference(shape, a, b, bias);
  double error = testing::relativeL2(got, expected);
  std::printf("matmul %s %ux%ux%u batch %u%s%s alpha %g: relative L2 error %.2e\n", nn::matmulKernelName(kernel),
              shape.M, shape.N, shape.K, shape.batch, shape.bTransposed ? " B^T" : "", withBias ? " +bias" : "",
              shape.alpha, error);
  EXPECT_LT(error, 2e-3);
  for (auto s : {sa, sb, sbias, sc}) context().arena().release(s);
}

// Shapes: M x N x K, batch, B transposed, alpha.
const Case kCases[] = {
    {{1, 1, 1}, false},
    {{37, 53, 29}, false},
    {{65, 130, 67}, true},
    {{100, 31, 257, 1, true}, true},
    {{17, 70, 33, 3}, false},
    {{64, 64, 64, 2, true, 0.125f}, false},
    {{200, 150, 300}, false},
    {{5, 264, 3}, true},                    // K below one step, a column block mostly past N
    {{40, 136, 24}, true},                  // word loads; a lane's second 8 columns past N
    {{33, 264, 40, 1, true}, true},         // word loads, B transposed
    {{19, 72, 32, 3, false, -0.5f}, false}, // word loads, batch and alpha
    {{23, 45, 48, 2, true, 2.0f}, true},    // word loads of A and B^T with N odd
};

INSTANTIATE_TEST_SUITE_P(OddSizes, MatmulTest,
                         ::testing::Combine(::testing::Values(nn::MatmulKernel::Tiled, nn::MatmulKernel::Register),
                                            ::testing::ValuesIn(kCases)),
                         [](const ::testing::TestParamInfo<MatmulTest::ParamType>& info) {
                           nn::MatmulKernel kernel = std::get<0>(info.param);
                           const Case& testCase = std::get<1>(info.param);
                           const auto& s = testCase.shape;
                           return std::string(nn::matmulKernelName(kernel)) + "_" + std::to_string(s.M) + "x" +
                                  std::to_string(s.N) + "x" + std::to_string(s.K) + "_b" + std::to_string(s.batch) +
                                  (s.bTransposed ? "_bT" : "") + (testCase.bias ? "_bias" : "") +
                                  (s.alpha != 1.0f ? "_alpha" : "");
                         });

// The fused epilogue: bias per row (or column), + residual, then SiLU, with
// one A shared by the batch: what linearToChannels and linear's fused
// activation and residual record.
class MatmulEpilogueTest : public GpuTest, public ::testing::WithParamInterface<std::tuple<nn::MatmulKernel, bool>> {};

TEST_P(MatmulEpilogueTest, BiasResidualActivationMatchCpu) {
  const auto& [kernel, biasPerRow] = GetParam();
  nn::MatmulShape shape{24, 40, 32, 3, true, 1.0f, true};  // A [M, K] for all 3 items, B^T [N, K]
  size_t outputs = size_t(shape.batch) * shape.M * shape.N;
  auto a = testing::randomHalfValues(size_t(shape.M) * shape.K, 11);
  auto b = testing::randomHalfValues(size_t(shape.batch) * shape.N * shape.K, 12);
  auto bias = testing::randomHalfValues(biasPerRow ? shape.M : shape.N, 13);
  auto residual = testing::randomHalfValues(outputs, 14);
  auto sa = testing::uploadHalf(context(), a), sb = testing::uploadHalf(context(), b);
  auto sbias = testing::uploadHalf(context(), bias), sresidual = testing::uploadHalf(context(), residual);
  auto sc = context().arena().allocate(outputs * 2);

  gpu::CommandSequence sequence(context());
  sequence.begin();
  nn::recordMatmul(context(), sequence, shape, sa, sb,
                   {.bias = sbias, .biasPerRow = biasPerRow, .residual = sresidual, .activation = nn::Activation::SiLU},
                   sc, kernel);
  sequence.end();
  sequence.run();

  std::vector<float> expected(outputs);
  for (uint32_t n = 0; n < shape.batch; ++n)
    for (uint32_t i = 0; i < shape.M; ++i)
      for (uint32_t j = 0; j < shape.N; ++j) {
        double sum = 0;
        for (uint32_t k = 0; k < shape.K; ++k)
          sum += double(a[size_t(i) * shape.K + k]) * b[(size_t(n) * shape.N + j) * shape.K + k];
        size_t at = (size_t(n) * shape.M + i) * shape.N + j;
        float value = float(sum) + bias[biasPerRow ? i : j] + residual[at];
        expected[at] = nn::activate(nn::Activation::SiLU, value);
      }
  double error = testing::relativeL2(testing::downloadHalf(context(), sc, outputs), expected);
  std::printf("matmul %s epilogue, bias per %s: relative L2 error %.2e\n", nn::matmulKernelName(kernel),
              biasPerRow ? "row" : "column", error);
  EXPECT_LT(error, 2e-3);
  for (auto s : {sa, sb, sbias, sresidual, sc}) context().arena().release(s);
}

INSTANTIATE_TEST_SUITE_P(Kernels, MatmulEpilogueTest,
                         ::testing::Combine(::testing::Values(nn::MatmulKernel::Tiled, nn::MatmulKernel::Register),
                                            ::testing::Bool()),
                         [](const ::testing::TestParamInfo<MatmulEpilogueTest::ParamType>& info) {
                           return std::string(nn::matmulKernelName(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) ? "_row_bias" : "_column_bias");
                         });

// GEGLU in the epilogue: B's columns in (value, gate) pairs, C [M, N / 2] =
// (value + bias) * GELU(gate + bias), against the CPU in f64; sizes whose
// last column block is partly past N. Auto is the device's own kernel (on an
// NVIDIA GPU the tensor-core one where N and K are multiples of 8).
class MatmulGegluTest : public GpuTest,
                        public ::testing::WithParamInterface<std::tuple<nn::MatmulKernel, nn::MatmulShape>> {};

TEST_P(MatmulGegluTest, ValueTimesGeluOfGateMatchCpu) {
  const auto& [kernel, shape] = GetParam();
  const uint32_t columns = shape.N / 2;
  size_t outputs = size_t(shape.batch) * shape.M * columns;
  auto a = testing::randomHalfValues(size_t(shape.batch) * shape.M * shape.K, 21);
  auto b = testing::randomHalfValues(size_t(shape.batch) * shape.N * shape.K, 22);
  auto bias = testing::randomHalfValues(shape.N, 23);
  auto sa = testing::uploadHalf(context(), a), sb = testing::uploadHalf(context(), b);
  auto sbias = testing::uploadHalf(context(), bias);
  auto sc = context().arena().allocate(outputs * 2);

  gpu::CommandSequence sequence(context());
  sequence.begin();
  nn::recordMatmul(context(), sequence, shape, sa, sb, {.bias = sbias, .geglu = true}, sc, kernel);
  sequence.end();
  sequence.run();

  auto product = nn::matmulReference(shape, a, b, bias);  // [batch, M, N], bias added
  std::vector<float> expected(outputs);
  for (size_t row = 0; row < size_t(shape.batch) * shape.M; ++row)
    for (uint32_t j = 0; j < columns; ++j) {
      float value = product[row * shape.N + 2 * j], gate = product[row * shape.N + 2 * j + 1];
      expected[row * columns + j] = value * nn::activate(nn::Activation::GELU, gate);
    }
  double error = testing::relativeL2(testing::downloadHalf(context(), sc, outputs), expected);
  std::printf("matmul %s GEGLU %ux%ux%u batch %u: relative L2 error %.2e\n", nn::matmulKernelName(kernel), shape.M,
              shape.N, shape.K, shape.batch, error);
  EXPECT_LT(error, 2e-3);
  for (auto s : {sa, sb, sbias, sc}) context().arena().release(s);
}

TEST_F(GpuTest, MatmulGegluRejectsWhatItCannotFuse) {
  auto a = context().arena().allocate(64 * 2), b = context().arena().allocate(64 * 2);
  auto c = context().arena().allocate(64 * 2);
  gpu::CommandSequence sequence(context());
  sequence.begin();
  EXPECT_THROW(nn::recordMatmul(context(), sequence, {2, 5, 4}, a, b, {.geglu = true}, c), gpu::GpuError);
  EXPECT_THROW(nn::recordMatmul(context(), sequence, {2, 4, 4}, a, b, {.residual = c, .geglu = true}, c),
               gpu::GpuError);
  EXPECT_THROW(
      nn::recordMatmul(context(), sequence, {2, 4, 4}, a, b, {.activation = nn::Activation::SiLU, .geglu = true}, c),
      gpu::GpuError);
  sequence.end();
  for (auto s : {a, b, c}) context().arena().release(s);
}

INSTANTIATE_TEST_SUITE_P(Kernels, MatmulGegluTest,
                         ::testing::Combine(::testing::Values(nn::MatmulKernel::Tiled, nn::MatmulKernel::Register,
                                                              nn::MatmulKernel::Auto),
                                            ::testing::Values(nn::MatmulShape{37, 90, 29, 1, true},
                                                              nn::MatmulShape{70, 272, 40, 2, true},
                                                              nn::MatmulShape{16, 160, 64, 1, true, 0.5f})),
                         [](const ::testing::TestParamInfo<MatmulGegluTest::ParamType>& info) {
                           const auto& s = std::get<1>(info.param);
                           return std::string(nn::matmulKernelName(std::get<0>(info.param))) + "_" +
                                  std::to_string(s.M) + "x" + std::to_string(s.N) + "x" + std::to_string(s.K) + "_b" +
                                  std::to_string(s.batch);
                         });

TEST(MatmulKernelChoice, RegisterOnCpuDevicesTiledOnGpus) {
  gpu::DeviceInfo device;
  device.subgroupSize = 8;
  device.type = "cpu";
  EXPECT_EQ(nn::chooseMatmulKernel(device), nn::MatmulKernel::Register);
  for (const char* type : {"discrete", "integrated", "virtual"}) {
    device.type = type;
    EXPECT_EQ(nn::chooseMatmulKernel(device), nn::MatmulKernel::Tiled) << type;
  }
  device.type = "cpu";
  device.subgroupSize = 4;  // the register kernel's workgroup must be one subgroup
  EXPECT_EQ(nn::chooseMatmulKernel(device), nn::MatmulKernel::Tiled);
}

TEST(MatmulKernelChoice, NamesRoundTrip) {
  for (auto kernel : {nn::MatmulKernel::Auto, nn::MatmulKernel::Tiled, nn::MatmulKernel::Register})
    EXPECT_EQ(nn::parseMatmulKernel(nn::matmulKernelName(kernel)), kernel);
  EXPECT_THROW(nn::parseMatmulKernel("fast"), std::invalid_argument);
}

TEST_F(GpuTest, AutoKernelOnLavapipeIsRegister) {
  if (context().info().type != "cpu") GTEST_SKIP() << "not a CPU device";
  EXPECT_EQ(nn::chooseMatmulKernel(context().info()), nn::MatmulKernel::Register);
}

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
