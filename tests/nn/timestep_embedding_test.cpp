// Sinusoidal timestep embedding against diffusers' get_timestep_embedding
// (tests/golden/ops/timestep.safetensors): SD's cos-first, shift-0 layout at
// t up to 999, the DDPM sin-first shift-1 layout, an odd dimension (zero
// padded) and another max period. f32 timesteps in, f16 out.
// Tolerance: relative L2 error < 2e-3 (f16 output rounding).
#include "engine/nn/timestep_embedding.h"

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class TimestepEmbeddingTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(TimestepEmbeddingTest, MatchesDiffusers) {
  testing::Golden golden("ops/timestep.safetensors");
  const std::string& name = GetParam();
  auto params = golden.params(name);
  nn::Plan plan(context());
  auto timesteps = testing::goldenInput(plan, golden, name, "timesteps", nn::DType::F32);
  nn::TimestepEmbeddingOptions options{params["dim"].get<uint32_t>(), params["flip_sin_to_cos"].get<bool>(),
                                       params["downscale_freq_shift"].get<float>(), params["max_period"].get<float>()};
  nn::Tensor output = nn::timestepEmbedding(plan, timesteps.tensor, options);
  plan.finalize();
  testing::writeGoldenInputs(context(), {&timesteps});
  plan.run();
  EXPECT_EQ(output.shape(), golden.shape(name, "output"));
  EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Golden, TimestepEmbeddingTest,
                         ::testing::Values("sd_unet_320", "ddpm_32_shift1", "odd_33_flip_shift1",
                                           "max_period_100_dim64"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class TimestepEmbeddingErrors : public testing::GpuTest {};

TEST_F(TimestepEmbeddingErrors, TimestepsMustBeF32) {
  nn::Plan plan(context());
  auto timesteps = plan.persistent({2}, nn::DType::F16);
  EXPECT_THROW(nn::timestepEmbedding(plan, timesteps), gpu::GpuError);
}

TEST_F(TimestepEmbeddingErrors, ShiftMustLeaveFrequencies) {
  nn::Plan plan(context());
  auto timesteps = plan.persistent({2}, nn::DType::F32);
  EXPECT_THROW(nn::timestepEmbedding(plan, timesteps, {.dim = 2, .downscaleFreqShift = 1.0f}), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
