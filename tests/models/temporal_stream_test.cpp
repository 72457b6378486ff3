// Temporal layers streamed one frame at a time (tools/reference/
// model_motion_adapter.py, case "stream"): 5 frames through a 3-frame causal
// window against diffusers' own temporal transformers run on each window
// with a causal attention mask. Tolerance: relative L2 < 1e-2 per frame.
#include "engine/models/temporal_stream.h"

#include "tests/models/tiny_motion_model.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 1e-2;

class TemporalStreamTest : public testing::TinyMotionModel {
 protected:
  // One frame a run through `window`-frame causal temporal layers.
  struct Streamed {
    nn::Plan plan;
    nn::Tensor sample, timestep, text, reset, output;
    models::TemporalStream stream;
    Streamed(gpu::Context& context, const models::UNet& unet, const models::MotionAdapter& adapter,
             const testing::Golden& golden, uint32_t window)
        : plan(context),
          sample(plan.persistent({1, 4, 8, 8})),
          timestep(plan.persistent({1}, nn::DType::F32)),
          text(plan.persistent(golden.shape("stream", "context"))),
          reset(plan.persistent({1}, nn::DType::F32)),
          stream(adapter, window, reset) {
      output = unet.forward(plan, sample, timestep, text, false, &stream);
      plan.finalize();
      nn::writeTensor(context, timestep, golden.values("stream", "timestep"));
      nn::writeTensor(context, text, golden.values("stream", "context"));
    }
    std::vector<float> frame(gpu::Context& context, std::span<const float> values, bool restart) {
      nn::writeTensor(context, sample, values);
      nn::writeTensor(context, reset, std::vector<float>{restart ? 1.0f : 0.0f});
      plan.run();
      return nn::readTensor(context, output);
    }
  };
};

TEST_F(TemporalStreamTest, MatchesDiffusersOnCausalWindows) {
  uint32_t frames = golden.params("stream")["frames"].get<uint32_t>();
  Streamed s(context(), *unet, *adapter, golden, golden.params("stream")["window"].get<uint32_t>());
  std::vector<float> samples = golden.values("stream", "sample"), expected = golden.values("stream", "output");
  size_t frameSize = samples.size() / frames;
  for (uint32_t f = 0; f < frames; ++f) {
    auto out = s.frame(context(), std::span(samples).subspan(f * frameSize, frameSize), f == 0);
    double error = testing::relativeL2(out, std::span(expected).subspan(f * frameSize, frameSize));
    std::printf("streamed frame %u: relative L2 error %.2e (limit %.0e)\n", f, error, kTolerance);
    EXPECT_LT(error, kTolerance) << "frame " << f;
  }
}

TEST_F(TemporalStreamTest, ResetStartsTheHistoryAgain) {
  Streamed s(context(), *unet, *adapter, golden, 3);
  std::vector<float> samples = golden.values("stream", "sample"), expected = golden.values("stream", "output");
  size_t frameSize = samples.size() / golden.params("stream")["frames"].get<uint32_t>();
  auto first = std::span(samples).subspan(0, frameSize);
  for (uint32_t f = 1; f < 4; ++f) s.frame(context(), std::span(samples).subspan(f * frameSize, frameSize), f == 1);
  auto noReset = s.frame(context(), first, false);
  auto restarted = s.frame(context(), first, true);
  EXPECT_LT(testing::relativeL2(restarted, std::span(expected).subspan(0, frameSize)), kTolerance);
  EXPECT_GT(testing::relativeL2(noReset, std::span(expected).subspan(0, frameSize)), 10 * kTolerance)
      << "the history must change the output, or this test could not fail";
}

// Each layer keeps window - 1 frames of its input: 2 x (16x8x8 + 32x4x4 +
// 32x4x4 (mid) + 2 x 32x4x4 + 2 x 16x8x8) f16 values at window 3.
TEST_F(TemporalStreamTest, HistoryMemoryIsFixedAtPlanTime) {
  Streamed s(context(), *unet, *adapter, golden, 3);
  EXPECT_EQ(s.stream.historyBytes(), 2u * (1024 + 512 + 512 + 2 * 512 + 2 * 1024) * 2);
}

TEST_F(TemporalStreamTest, RejectsWindowsBeyondThePositionTable) {
  nn::Plan plan(context());
  nn::Tensor reset = plan.persistent({1}, nn::DType::F32);
  EXPECT_THROW(models::TemporalStream(*adapter, adapter->config().maxFrames + 1, reset), std::runtime_error);
  EXPECT_THROW(models::TemporalStream(*adapter, 1, reset), std::runtime_error);
}

}  // namespace
}  // namespace afterimage
