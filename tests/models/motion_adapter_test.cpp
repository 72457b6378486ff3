// Temporal layers against diffusers' UNetMotionModel (tools/reference/
// model_motion_adapter.py): a tiny random SD 1.x-style UNet with a tiny
// random MotionAdapter, 4 frames of one clip attending to each other.
// Tolerance: relative L2 < 1e-2 (f16 activations; PyTorch runs f32), as the UNet's.
#include "engine/models/motion_adapter.h"

#include "tests/models/tiny_motion_model.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 1e-2;

std::vector<float> repeated(const std::vector<float>& values, uint32_t times) {
  std::vector<float> out;
  for (uint32_t i = 0; i < times; ++i) out.insert(out.end(), values.begin(), values.end());
  return out;
}

using MotionAdapterTest = testing::TinyMotionModel;

TEST_F(MotionAdapterTest, ClipMatchesUNetMotionModel) {
  uint32_t frames = golden.params("clip")["frames"].get<uint32_t>();
  nn::Plan plan(context());
  auto sample = testing::goldenInput(plan, golden, "clip", "sample");
  nn::Shape contextShape = golden.shape("clip", "context");
  contextShape[0] = frames;
  nn::Tensor timesteps = plan.persistent({frames}, nn::DType::F32), text = plan.persistent(contextShape);
  nn::Tensor output = unet->forward(plan, sample.tensor, timesteps, text, false, adapter.get());
  plan.finalize();
  testing::writeGoldenInputs(context(), {&sample});
  nn::writeTensor(context(), timesteps, repeated(golden.values("clip", "timestep"), frames));
  nn::writeTensor(context(), text, repeated(golden.values("clip", "context"), frames));
  plan.run();
  EXPECT_LT(testing::goldenError(context(), output, golden, "clip", "output", kTolerance), kTolerance);
}

TEST_F(MotionAdapterTest, CountsTheAdaptersParameters) {
  // 7 temporal layers: 3 of 16 channels, 4 of 32; each 2 GroupNorm/LayerNorm
  // x 4 pairs, proj_in/out (C^2 + C each), 2 attentions (3 C^2 + C^2 + C),
  // GEGLU (8C^2 + 8C + 4C^2 + C).
  auto layer = [](uint64_t c) { return 8 * c + 2 * (c * c + c) + 2 * (4 * c * c + c) + 12 * c * c + 9 * c; };
  EXPECT_EQ(adapter->parameterCount(), 3 * layer(16) + 4 * layer(32));
}

TEST_F(MotionAdapterTest, RejectsMoreFramesThanPositions) {
  nn::Plan plan(context());
  auto window = plan.persistent({adapter->config().maxFrames + 1, 16, 2, 2});
  EXPECT_THROW(adapter->temporalTransformer(plan, {models::UNetLayerSite::Block::Down, 0, 0}, window, false),
               std::runtime_error);
}

TEST_F(MotionAdapterTest, NamesASiteTheAdapterLacks) {
  nn::Plan plan(context());
  auto window = plan.persistent({2, 16, 2, 2});
  try {
    adapter->temporalTransformer(plan, {models::UNetLayerSite::Block::Down, 5, 0}, window, false);
    FAIL() << "a temporal layer for a block the adapter does not have";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit the UNet"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace afterimage
