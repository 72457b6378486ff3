// The matmul kernels' row norm (a transformer's LayerNorm applied to A's
// rows as the GEMM loads them) against PyTorch's F.layer_norm (the layer
// norm goldens of tools/reference/ops_norm.py, f64 on the same f16 inputs):
// through an identity B the product is the normalized input itself. Each
// kernel: tiled, register, and the device's own (on an NVIDIA GPU the
// tensor-core one where K is a multiple of 8). The cases include a mean of
// 500 over a spread of 2, which a one-pass f32 variance gets wrong, and K
// not a multiple of 8. Then linear() with an InputLayerNorm (and its add
// of frame positions) against layerNorm() (and add()) followed by linear()
// on random tokens.
// Tolerance: relative L2 error < 2e-3 (f16 rounding of the normalized
// values and the output).
#include <string>
#include <tuple>

#include "engine/gpu/command_sequence.h"
#include "engine/gpu/gpu_error.h"
#include "engine/nn/elementwise.h"
#include "engine/nn/linear.h"
#include "engine/nn/matmul.h"
#include "engine/nn/normalization.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class MatmulRowNormTest : public testing::GpuTest,
                          public ::testing::WithParamInterface<std::tuple<std::string, nn::MatmulKernel>> {};

TEST_P(MatmulRowNormTest, IdentityProductIsPyTorchsLayerNorm) {
  const auto& [name, kernel] = GetParam();
  testing::Golden golden("ops/norm.safetensors");
  auto input = golden.values(name, "input");
  auto gamma = golden.values(name, "gamma");
  auto beta = golden.values(name, "beta");
  const uint32_t channels = uint32_t(gamma.size()), rows = uint32_t(input.size() / channels);
  std::vector<float> identity(size_t(channels) * channels, 0.0f);
  for (uint32_t i = 0; i < channels; ++i) identity[size_t(i) * channels + i] = 1.0f;
  auto sa = testing::uploadHalf(context(), input), sb = testing::uploadHalf(context(), identity);
  auto sgamma = testing::uploadHalf(context(), gamma), sbeta = testing::uploadHalf(context(), beta);
  auto sc = context().arena().allocate(input.size() * 2);

  gpu::CommandSequence sequence(context());
  sequence.begin();
  nn::MatmulShape shape{rows, channels, channels, 1, true};
  nn::recordMatmul(context(), sequence, shape, sa, sb, {}, sc, kernel, nullptr,
                   {sgamma, sbeta, golden.params(name)["eps"].get<float>()});
  sequence.end();
  sequence.run();

  double error = testing::relativeL2(testing::downloadHalf(context(), sc, input.size()), golden.values(name, "output"));
  std::printf("%s, %s kernel: relative L2 error %.2e (limit %.0e)\n", name.c_str(), nn::matmulKernelName(kernel), error,
              kTolerance);
  EXPECT_LT(error, kTolerance);
  for (auto s : {sa, sb, sgamma, sbeta, sc}) context().arena().release(s);
}

INSTANTIATE_TEST_SUITE_P(Golden, MatmulRowNormTest,
                         ::testing::Combine(::testing::Values("ln_t37_c40", "ln_c320_large_mean", "ln_c33",
                                                              "ln_rank2_c1024"),
                                            ::testing::Values(nn::MatmulKernel::Tiled, nn::MatmulKernel::Register,
                                                              nn::MatmulKernel::Auto)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + nn::matmulKernelName(std::get<1>(info.param));
                         });

// linear, linearStacked and linearGeglu with the norm equal layerNorm then the layer.
class LinearInputNormTest : public testing::GpuTest {};

TEST_F(LinearInputNormTest, EqualsLayerNormThenTheLayer) {
  const uint32_t tokens = 45, in = 64, out = 48;
  nn::Plan plan(context());
  testing::GoldenInput x{plan.persistent({1, tokens, in}), testing::randomHalfValues(size_t(tokens) * in, 31)};
  for (auto& v : x.values) v = 3.0f * v + 2.0f;  // a mean and spread the norm must remove
  testing::GoldenInput gamma{plan.persistent({in}), testing::randomHalfValues(in, 32)};
  testing::GoldenInput beta{plan.persistent({in}), testing::randomHalfValues(in, 33)};
  testing::GoldenInput weight{plan.persistent({out, in}), testing::randomHalfValues(size_t(out) * in, 34)};
  testing::GoldenInput stacked{plan.persistent({3, out, in}), testing::randomHalfValues(size_t(3) * out * in, 35)};
  testing::GoldenInput bias{plan.persistent({out}), testing::randomHalfValues(out, 36)};
  nn::InputLayerNorm norm{gamma.tensor, beta.tensor, 1e-5f};

  nn::Tensor normed = nn::layerNorm(plan, x.tensor, gamma.tensor, beta.tensor, 1e-5f);
  std::vector<std::pair<nn::Tensor, nn::Tensor>> pairs{
      {nn::linear(plan, x.tensor, weight.tensor, bias.tensor, nn::Activation::None, {}, norm),
       nn::linear(plan, normed, weight.tensor, bias.tensor)},
      {nn::linearStacked(plan, x.tensor, stacked.tensor, norm), nn::linearStacked(plan, normed, stacked.tensor)},
      {nn::linearGeglu(plan, x.tensor, weight.tensor, bias.tensor, norm),
       nn::linearGeglu(plan, normed, weight.tensor, bias.tensor)}};
  plan.finalize();
  testing::writeGoldenInputs(context(), {&x, &gamma, &beta, &weight, &stacked, &bias});
  plan.run();
  for (const auto& [fused, separate] : pairs) {
    double error = testing::relativeL2(nn::readTensor(context(), fused), nn::readTensor(context(), separate));
    std::printf("%s: fused norm vs layerNorm then the layer: relative L2 %.2e\n", nn::toString(fused.shape()).c_str(),
                error);
    EXPECT_LT(error, kTolerance);
  }
  EXPECT_THROW(nn::linear(plan, x.tensor, weight.tensor, {}, nn::Activation::None, {}, {bias.tensor, beta.tensor}),
               gpu::GpuError);
}

// The norm then a row of `add` per group of rows (a motion module's frame
// positions: 3 frames of 15 tokens), against layerNorm, add, then the layer;
// and the last frame's rows alone with that frame's row of `add`.
TEST_F(LinearInputNormTest, AddsOneRowPerGroupOfRowsAfterTheNorm) {
  const uint32_t frames = 3, pixels = 15, in = 40, out = 24;
  nn::Plan plan(context());
  testing::GoldenInput x{plan.persistent({frames, pixels, in}),
                         testing::randomHalfValues(size_t(frames) * pixels * in, 41)};
  testing::GoldenInput gamma{plan.persistent({in}), testing::randomHalfValues(in, 42)};
  testing::GoldenInput beta{plan.persistent({in}), testing::randomHalfValues(in, 43)};
  testing::GoldenInput add{plan.persistent({frames, 1, in}), testing::randomHalfValues(size_t(frames) * in, 44)};
  testing::GoldenInput weight{plan.persistent({out, in}), testing::randomHalfValues(size_t(out) * in, 45)};
  nn::InputLayerNorm norm{gamma.tensor, beta.tensor, 1e-5f, add.tensor, pixels};
  nn::InputLayerNorm lastNorm{gamma.tensor, beta.tensor, 1e-5f, add.tensor.batchItem(frames - 1), pixels};

  nn::Tensor placed = nn::add(plan, nn::layerNorm(plan, x.tensor, gamma.tensor, beta.tensor, 1e-5f), add.tensor);
  nn::Tensor fused = nn::linear(plan, x.tensor, weight.tensor, norm);
  nn::Tensor separate = nn::linear(plan, placed, weight.tensor);
  nn::Tensor lastFused = nn::linear(plan, x.tensor.batchItem(frames - 1), weight.tensor, lastNorm);
  nn::Tensor lastSeparate = nn::linear(plan, placed.batchItem(frames - 1), weight.tensor);
  plan.finalize();
  testing::writeGoldenInputs(context(), {&x, &gamma, &beta, &add, &weight});
  plan.run();
  for (const auto& [a, b] : {std::pair{fused, separate}, std::pair{lastFused, lastSeparate}}) {
    double error = testing::relativeL2(nn::readTensor(context(), a), nn::readTensor(context(), b));
    std::printf("%s: fused norm and add vs layerNorm, add, the layer: relative L2 %.2e\n",
                nn::toString(a.shape()).c_str(), error);
    EXPECT_LT(error, kTolerance);
  }
  nn::InputLayerNorm wrongRows{gamma.tensor, beta.tensor, 1e-5f, add.tensor, pixels + 1};
  EXPECT_THROW(nn::linear(plan, x.tensor, weight.tensor, wrongRows), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
