// The tensor-core kernels as plain shaders (AFTERIMAGE_COOPMAT=emulate,
// shaders/coopmat.glsl) on whatever device runs the tests: a context made
// with the variable set offers them and runs their "_emulated" modules. An
// explicit tensor-core GEMM with four 16x16 blocks per subgroup and K = 2048
// (deep enough that lavapipe's loop limit cut the first, loop-per-element
// emulation short: relative error 0.70) matches the CPU reference; one too
// deep for the limit is refused by name and Auto takes a plain kernel
// instead. The tensor-core convolution split over K (partial sums, then the
// last split of each tile adds them and applies bias, residual and SiLU),
// which the op goldens' small layers do not choose, matches the plain
// kernel's single pass, also when replayed on new input. The
// tensor-core flash attention (its emulated build: 2 subgroups, 32 queries
// a workgroup) matches the plain kernel, which the PyTorch goldens check,
// at head sizes 16, 32 and 64, with a partial last key block and a
// workgroup whose second subgroup has no queries; and its feature-bank
// variant (the frame's keys, then the bank's, offset by log2 of the weight)
// at weights 1, 0.5 and 0 and on a reset frame, blocks of 64 keys that
// straddle the frame's last keys and the bank's first.
// Tolerance: relative L2 < 2e-3 (f16 output and probability rounding).
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/gpu/command_sequence.h"
#include "engine/gpu/context.h"
#include "engine/gpu/gpu_error.h"
#include "engine/nn/attention.h"
#include "engine/nn/conv2d.h"
#include "engine/nn/coopmat_tile.h"
#include "engine/nn/feature_bank.h"
#include "engine/nn/matmul.h"
#include "engine/nn/plan.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

// A context made while AFTERIMAGE_COOPMAT=emulate (the variable as it was afterwards).
std::unique_ptr<gpu::Context> emulatingContext() {
  const char* before = std::getenv("AFTERIMAGE_COOPMAT");
  std::optional<std::string> saved = before ? std::optional<std::string>(before) : std::nullopt;
  setenv("AFTERIMAGE_COOPMAT", "emulate", 1);
  auto cacheDir = std::filesystem::temp_directory_path() / "afterimage-test-cache";
  auto context = std::make_unique<gpu::Context>(gpu::ContextOptions{.validation = true, .cacheDir = cacheDir.string()});
  if (saved) setenv("AFTERIMAGE_COOPMAT", saved->c_str(), 1);
  else unsetenv("AFTERIMAGE_COOPMAT");
  return context;
}

// C = A B for a random [M, K] x [K, N] with `kernel` (and `tile`); the relative error against the CPU reference.
double gemmError(gpu::Context& context, const nn::MatmulShape& shape, nn::MatmulKernel kernel,
                 const nn::CoopmatTile* tile, nn::MatmulKernel* used = nullptr) {
  auto a = testing::randomHalfValues(size_t(shape.M) * shape.K, 11);
  auto b = testing::randomHalfValues(size_t(shape.K) * shape.N, 12);
  auto sa = testing::uploadHalf(context, a), sb = testing::uploadHalf(context, b);
  auto sc = context.arena().allocate(size_t(shape.M) * shape.N * 2);
  gpu::CommandSequence sequence(context);
  sequence.begin();
  nn::MatmulKernel ran = nn::recordMatmul(context, sequence, shape, sa, sb, {}, sc, kernel, tile);
  if (used) *used = ran;
  sequence.end();
  sequence.run();
  double error = testing::relativeL2(testing::downloadHalf(context, sc, size_t(shape.M) * shape.N),
                                     nn::matmulReference(shape, a, b, {}));
  for (auto s : {sa, sb, sc}) context.arena().release(s);
  return error;
}

TEST(CoopmatEmulation, DeepTensorCoreGemmMatchesTheCpuReference) {
  auto context = emulatingContext();
  EXPECT_TRUE(context->info().tensorCores);
  EXPECT_TRUE(context->info().coopmatEmulated);
  const nn::CoopmatTile tile = nn::parseCoopmatTile("64x64/32x32/32");
  const nn::MatmulShape shape{6, 64, 2048};
  ASSERT_TRUE(nn::coopmatEmulationFits(context->info(), tile, shape.K));
  double error = gemmError(*context, shape, nn::MatmulKernel::Coopmat, &tile);
  std::printf("emulated tensor-core GEMM 6x64x2048 on %s: relative L2 error %.2e\n", tile.name().c_str(), error);
  EXPECT_LT(error, 2e-3);
  EXPECT_EQ(context->instance().validationErrorCount(), 0u) << context->instance().lastValidationError();
}

TEST(CoopmatEmulation, TooDeepForLavapipesLoopLimitIsRefusedAndAutoTakesAPlainKernel) {
  auto context = emulatingContext();
  const nn::CoopmatTile tile = nn::parseCoopmatTile("64x64/32x32/32");
  const nn::MatmulShape shape{6, 64, 16384};
  EXPECT_FALSE(nn::coopmatEmulationFits(context->info(), tile, shape.K));
  try {
    gemmError(*context, shape, nn::MatmulKernel::Coopmat, &tile);
    ADD_FAILURE() << "an emulated GEMM past the loop limit was recorded";
  } catch (const gpu::GpuError& e) {
    EXPECT_NE(std::string(e.what()).find("too deep for the emulated tensor-core kernel"), std::string::npos) << e.what();
  }
  nn::MatmulKernel used = nn::MatmulKernel::Coopmat;
  EXPECT_LT(gemmError(*context, shape, nn::MatmulKernel::Auto, &tile, &used), 2e-3);
  EXPECT_NE(used, nn::MatmulKernel::Coopmat);
  // Without emulation nothing is refused for depth.
  gpu::DeviceInfo real = context->info();
  real.coopmatEmulated = false;
  EXPECT_TRUE(nn::coopmatEmulationFits(real, tile, shape.K));
}

TEST(CoopmatEmulation, TensorCoreConvolutionSplitOverKMatchesThePlainKernel) {
  auto context = emulatingContext();
  struct Case {
    uint32_t in, out, side, splits;
    bool upsample, residual, perImage;
  };
  for (const Case& c : {Case{48, 32, 8, 3, false, true, true}, Case{32, 16, 4, 2, true, false, false}}) {
    SCOPED_TRACE("in " + std::to_string(c.in) + " splits " + std::to_string(c.splits));
    const uint32_t batch = 2, outSide = c.upsample ? 2 * c.side : c.side;
    nn::Plan plan(*context);
    auto input = plan.persistent({batch, c.in, c.side, c.side});
    auto weight = plan.persistent({c.out, c.in, 3, 3});
    auto bias = plan.persistent({c.out});
    auto table = plan.persistent({batch, c.out + 3});
    nn::Tensor residual = c.residual ? plan.persistent({batch, c.out, outSide, outSide}) : nn::Tensor{};
    nn::Conv2dWeights weights{weight, c.perImage ? nn::Tensor{} : bias};
    nn::ImageChannelBias imageBias = c.perImage ? nn::ImageChannelBias{table, 2} : nn::ImageChannelBias{};
    nn::Conv2dOptions options{.activation = nn::Activation::SiLU, .kernel = nn::Conv2dKernel::Plain};
    options.upsample = c.upsample;
    options.splits = 1;
    auto plain = nn::conv2d(plan, input, weights, options, residual, imageBias);
    options.kernel = nn::Conv2dKernel::Coopmat;
    options.splits = 0;
    options.launch = nn::parseCoopmatLaunch("32x32/16x16/32:" + std::to_string(c.splits));
    auto split = nn::conv2d(plan, input, weights, options, residual, imageBias);
    plan.finalize();
    nn::writeTensor(*context, input, testing::randomHalfValues(input.elements(), 51));
    nn::writeTensor(*context, weight, testing::randomHalfValues(weight.elements(), 52, -0.2f, 0.2f));
    nn::writeTensor(*context, bias, testing::randomHalfValues(bias.elements(), 53));
    nn::writeTensor(*context, table, testing::randomHalfValues(table.elements(), 54));
    if (c.residual) nn::writeTensor(*context, residual, testing::randomHalfValues(residual.elements(), 55));
    for (uint32_t replay = 0; replay < 2; ++replay) {  // the arrival counts must be back at zero
      if (replay == 1) nn::writeTensor(*context, input, testing::randomHalfValues(input.elements(), 56));
      plan.run();
      double error = testing::relativeL2(nn::readTensor(*context, split), nn::readTensor(*context, plain));
      std::printf("emulated tensor-core conv2d split %u ways, replay %u: relative L2 %.2e from the plain kernel\n",
                  c.splits, replay, error);
      EXPECT_LT(error, 2e-3);
    }
  }
  EXPECT_EQ(context->instance().validationErrorCount(), 0u) << context->instance().lastValidationError();
}

TEST(CoopmatEmulation, TensorCoreAttentionMatchesThePlainKernel) {
  auto context = emulatingContext();
  struct Case {
    uint32_t batch, queries, keys, heads, headDim;
  };
  for (const Case& c : {Case{1, 48, 77, 2, 64}, Case{2, 64, 64, 1, 32}, Case{1, 32, 130, 3, 16}}) {
    SCOPED_TRACE("queries " + std::to_string(c.queries) + " keys " + std::to_string(c.keys) + " head size " +
                 std::to_string(c.headDim));
    ASSERT_TRUE(nn::attentionCoopmatFits(context->info(), c.queries, c.keys, c.headDim, false));
    const uint32_t channels = c.heads * c.headDim;
    nn::Plan plan(*context);
    auto q = plan.persistent({c.batch, c.queries, channels});
    auto k = plan.persistent({c.batch, c.keys, channels});
    auto v = plan.persistent({c.batch, c.keys, channels});
    auto plain = nn::attention(plan, q, k, v, c.heads, false, nn::AttentionKernel::Plain);
    auto tensorCores = nn::attention(plan, q, k, v, c.heads, false, nn::AttentionKernel::Coopmat);
    plan.finalize();
    nn::writeTensor(*context, q, testing::randomHalfValues(q.elements(), 61));
    nn::writeTensor(*context, k, testing::randomHalfValues(k.elements(), 62));
    nn::writeTensor(*context, v, testing::randomHalfValues(v.elements(), 63));
    plan.run();
    double error = testing::relativeL2(nn::readTensor(*context, tensorCores), nn::readTensor(*context, plain));
    std::printf("emulated tensor-core attention %ux%u, %u keys, head size %u: relative L2 %.2e from the plain kernel\n",
                c.batch, c.queries, c.keys, c.headDim, error);
    EXPECT_LT(error, 2e-3);
  }
  EXPECT_EQ(context->instance().validationErrorCount(), 0u) << context->instance().lastValidationError();
}

TEST(CoopmatEmulation, TensorCoreFeatureBankAttentionMatchesThePlainKernel) {
  auto context = emulatingContext();
  struct Case {
    uint32_t batch, tokens, slots, heads, headDim;
  };
  struct State {
    float weight, reset, slot;
  };
  for (const Case& c : {Case{2, 32, 3, 2, 32}, Case{1, 48, 2, 1, 64}}) {
    const uint32_t channels = c.heads * c.headDim;
    nn::Plan plan(*context);
    auto q = plan.persistent({c.batch, c.tokens, channels});
    auto k = plan.persistent({c.batch, c.tokens, channels});
    auto v = plan.persistent({c.batch, c.tokens, channels});
    auto bankKeys = plan.persistent({c.slots * c.batch, c.tokens, channels});
    auto bankValues = plan.persistent({c.slots * c.batch, c.tokens, channels});
    auto state = plan.persistent({nn::kFeatureBankStateValues}, nn::DType::F32);
    auto plain = nn::featureBankAttention(plan, q, k, v, bankKeys, bankValues, state, c.heads, nn::AttentionKernel::Plain);
    auto tensorCores =
        nn::featureBankAttention(plan, q, k, v, bankKeys, bankValues, state, c.heads, nn::AttentionKernel::Coopmat);
    plan.finalize();
    nn::writeTensor(*context, q, testing::randomHalfValues(q.elements(), 71));
    nn::writeTensor(*context, k, testing::randomHalfValues(k.elements(), 72));
    nn::writeTensor(*context, v, testing::randomHalfValues(v.elements(), 73));
    nn::writeTensor(*context, bankKeys, testing::randomHalfValues(bankKeys.elements(), 74));
    nn::writeTensor(*context, bankValues, testing::randomHalfValues(bankValues.elements(), 75));
    for (const State& st : {State{1, 0, 0}, State{0.5f, 0, 1}, State{0, 0, 1}, State{0.7f, 1, 0}}) {
      SCOPED_TRACE("tokens " + std::to_string(c.tokens) + " weight " + std::to_string(st.weight) + " reset " +
                   std::to_string(st.reset));
      nn::writeTensor(*context, state, std::vector<float>{st.weight, st.reset, st.slot, st.weight});
      plan.run();
      double error = testing::relativeL2(nn::readTensor(*context, tensorCores), nn::readTensor(*context, plain));
      std::printf("emulated tensor-core feature-bank attention, %u tokens, %u slots, weight %.1f%s: relative L2 %.2e\n",
                  c.tokens, c.slots, st.weight, st.reset != 0 ? " (reset)" : "", error);
      EXPECT_LT(error, 2e-3);
    }
  }
  EXPECT_EQ(context->instance().validationErrorCount(), 0u) << context->instance().lastValidationError();
}

}  // namespace
}  // namespace afterimage
