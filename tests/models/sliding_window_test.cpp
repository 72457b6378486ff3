// The sampler's sliding temporal window (tools/reference/
// model_motion_adapter.py, case "sliding"): 5 frames through a 4-frame
// window, one step with fixed coefficients, every frame's window sampled
// again as one clip whose frames attend both ways, against diffusers'
// UNetMotionModel on each window. Tolerance: relative L2 < 1e-2 per frame
// (f16 activations through a UNet, as the streamed golden's).
#include "engine/models/sampler_graph.h"
#include "engine/models/tiny_autoencoder.h"
#include "tests/models/tiny_motion_model.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 1e-2;

class SlidingWindowTest : public testing::TinyMotionModel {
 protected:
  void SetUp() override {
    TinyMotionModel::SetUp();
    std::string tae = testing::goldenPath("models/tae_random_w16/");
    autoencoder = std::make_unique<models::TinyAutoencoder>(context(), tae + "encoder.safetensors",
                                                            tae + "decoder.safetensors");
  }

  models::SamplerShape shape(uint32_t window, uint32_t lookahead) const {
    models::SamplerShape s{1, 8, 8, golden.shape("sliding", "context")[1]};
    s.temporalWindow = window, s.temporalLookahead = lookahead;
    return s;
  }

  // The golden's window, the sampler recorded once, frames written and run.
  struct Sliding {
    nn::Plan plan;
    models::SamplerGraph graph;
    Sliding(gpu::Context& context, const SlidingWindowTest& t)
        : plan(context),
          graph(plan, *t.unet, *t.autoencoder,
                t.shape(t.golden.params("sliding")["window"].get<uint32_t>(),
                        t.golden.params("sliding")["lookahead"].get<uint32_t>()),
                false, {}, t.adapter.get()) {
      plan.finalize();
      auto coefficients = t.golden.params("sliding")["coefficients"].get<std::vector<float>>();
      coefficients.insert(coefficients.end(), {0.0f, 1.0f});  // guidance weights, unused
      nn::writeTensor(context, graph.coefficients(), coefficients);
      uint32_t rows = graph.batch();
      nn::writeTensor(context, graph.timesteps()[0], std::vector<float>(rows, t.golden.values("sliding", "timestep")[0]));
      std::vector<float> text = t.golden.values("sliding", "context"), repeated;
      for (uint32_t i = 0; i < rows; ++i) repeated.insert(repeated.end(), text.begin(), text.end());
      nn::writeTensor(context, graph.context(), repeated);
      memory(context, 1.0f);
    }
    void memory(gpu::Context& context, float value) {
      nn::writeTensor(context, graph.temporalMemory(), std::vector<float>{value});
    }
    void frame(gpu::Context& context, std::span<const float> init, std::span<const float> noise, bool reset) {
      nn::writeTensor(context, graph.initLatent(), init);
      nn::writeTensor(context, graph.noise(), noise);
      nn::writeTensor(context, graph.temporalReset(), std::vector<float>{reset ? 1.0f : 0.0f});
      plan.run();
    }
  };

  std::span<const float> frameOf(const std::vector<float>& all, uint32_t f) const {
    size_t size = all.size() / golden.params("sliding")["frames"].get<uint32_t>();
    return std::span(all).subspan(f * size, size);
  }

  std::unique_ptr<models::TinyAutoencoder> autoencoder;
};

TEST_F(SlidingWindowTest, MatchesDiffusersOnEachWindow) {
  Sliding s(context(), *this);
  auto inits = golden.values("sliding", "init"), noises = golden.values("sliding", "noise");
  auto newest = golden.values("sliding", "newest"), shown = golden.values("sliding", "shown");
  for (uint32_t f = 0; f < golden.params("sliding")["frames"].get<uint32_t>(); ++f) {
    s.frame(context(), frameOf(inits, f), frameOf(noises, f), f == 0);
    double newestError = testing::relativeL2(nn::readTensor(context(), s.graph.latent()), frameOf(newest, f));
    double shownError = testing::relativeL2(nn::readTensor(context(), s.graph.pictureLatent()), frameOf(shown, f));
    std::printf("frame %u: newest %.2e, shown (one frame back) %.2e relative L2 (limit %.0e)\n", f, newestError,
                shownError, kTolerance);
    EXPECT_LT(newestError, kTolerance) << "frame " << f;
    EXPECT_LT(shownError, kTolerance) << "frame " << f;
  }
}

TEST_F(SlidingWindowTest, TheShownFrameIsTheOneLookaheadBeforeTheNewest) {
  // Frame 2's window is frames 0, 0, 1, 2: frame 1 is shown, and it must not
  // be the newest's picture (both sides differ, or the test could not fail).
  Sliding s(context(), *this);
  auto inits = golden.values("sliding", "init"), noises = golden.values("sliding", "noise");
  for (uint32_t f = 0; f < 3; ++f) s.frame(context(), frameOf(inits, f), frameOf(noises, f), f == 0);
  auto picture = nn::readTensor(context(), s.graph.pictureLatent());
  EXPECT_LT(testing::relativeL2(picture, frameOf(golden.values("sliding", "shown"), 2)), kTolerance);
  EXPECT_GT(testing::relativeL2(picture, frameOf(golden.values("sliding", "newest"), 2)), 10 * kTolerance);
}

TEST_F(SlidingWindowTest, AResetStartsTheWindowAgainAndShowsTheNewFrameAtOnce) {
  Sliding s(context(), *this);
  auto inits = golden.values("sliding", "init"), noises = golden.values("sliding", "noise");
  for (uint32_t f = 1; f < 5; ++f) s.frame(context(), frameOf(inits, f), frameOf(noises, f), f == 1);
  s.frame(context(), frameOf(inits, 0), frameOf(noises, 0), false);
  auto kept = nn::readTensor(context(), s.graph.latent());
  s.frame(context(), frameOf(inits, 0), frameOf(noises, 0), true);
  auto newest = golden.values("sliding", "newest"), shown = golden.values("sliding", "shown");
  EXPECT_LT(testing::relativeL2(nn::readTensor(context(), s.graph.latent()), frameOf(newest, 0)), kTolerance);
  EXPECT_LT(testing::relativeL2(nn::readTensor(context(), s.graph.pictureLatent()), frameOf(shown, 0)), kTolerance);
  EXPECT_GT(testing::relativeL2(kept, frameOf(newest, 0)), 10 * kTolerance)
      << "the window's other frames must change the output, or this test could not fail";
}

TEST_F(SlidingWindowTest, TheMemoryWeightChangesTheClipWithoutRecordingAgain) {
  Sliding s(context(), *this);
  auto inits = golden.values("sliding", "init"), noises = golden.values("sliding", "noise");
  auto threeFrames = [&] {
    for (uint32_t f = 0; f < 3; ++f) s.frame(context(), frameOf(inits, f), frameOf(noises, f), f == 0);
    return nn::readTensor(context(), s.graph.latent());
  };
  auto full = threeFrames();
  s.memory(context(), 0.0f);
  double change = testing::relativeL2(threeFrames(), full);
  std::printf("memory 0 against 1: %.3f relative L2\n", change);
  EXPECT_GT(change, 10 * kTolerance);
  s.memory(context(), 1.0f);
  EXPECT_LT(testing::relativeL2(threeFrames(), frameOf(golden.values("sliding", "newest"), 2)), kTolerance);
}

TEST_F(SlidingWindowTest, KeepsTheWindowsInputsOnly) {
  Sliding s(context(), *this);
  // Init latents and noise of window - 1 = 3 frames, [4, 8, 8] f16 each.
  EXPECT_EQ(s.graph.temporalHistoryBytes(), VkDeviceSize(2 * 3 * 4 * 8 * 8 * 2));
  EXPECT_EQ(s.graph.batch(), 4u);
}

TEST_F(SlidingWindowTest, RefusesALookaheadTheWindowCannotHoldAndAFeatureBank) {
  nn::Plan plan(context());
  EXPECT_THROW(models::SamplerGraph(plan, *unet, *autoencoder, shape(3, 3), false, {}, adapter.get()),
               std::invalid_argument);
  auto banked = shape(4, 1);
  banked.featureBankFrames = 2;
  EXPECT_THROW(models::SamplerGraph(plan, *unet, *autoencoder, banked, false, {}, adapter.get()),
               std::invalid_argument);
}

}  // namespace
}  // namespace afterimage
