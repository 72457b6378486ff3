// The post effects shader against a CPU reference that applies each effect
// in turn (the library folds them into one matrix): contrast, saturation,
// hue, brightness, strobe, blackout, clamp, 8 bits. Tolerance: 1 of 255
// (f32 on the GPU, double here; rounding at .5 may go either way).
#include "engine/pipeline/post_effects.h"

#include <cmath>
#include <numbers>

#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using pipeline::PostEffects;

std::array<double, 3> referenceEffects(std::array<double, 3> v, const PostEffects& e) {
  for (auto& x : v) x = (x - 0.5) * e.contrast + 0.5;
  double luma = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  for (auto& x : v) x = luma + (x - luma) * e.saturation;
  // Rotation about the grey axis: the component along it stays, the rest turns.
  double mean = (v[0] + v[1] + v[2]) / 3.0;
  std::array<double, 3> d{v[0] - mean, v[1] - mean, v[2] - mean};
  double angle = 2.0 * std::numbers::pi * e.hueShift, k = 1.0 / std::sqrt(3.0);
  std::array<double, 3> cross{k * (d[2] - d[1]), k * (d[0] - d[2]), k * (d[1] - d[0])};  // axis x d
  for (int i = 0; i < 3; ++i) v[i] = mean + d[i] * std::cos(angle) + cross[i] * std::sin(angle);
  for (auto& x : v) x *= e.brightness;
  for (auto& x : v) x = x + (1.0 - x) * e.strobe;
  if (e.blackout) v = {0, 0, 0};
  return v;
}

class PostEffectsTest : public testing::GpuTest {
 protected:
  // Runs the effects on an 8x6 picture with values in [-0.1, 1.1]; returns
  // the largest difference from the reference in 1/255 steps.
  int largestError(const PostEffects& effects) {
    const uint32_t width = 8, height = 6, count = width * height;
    nn::Plan plan(context());
    auto image = plan.persistent({1, 3, height, width});
    auto values = plan.persistent({pipeline::kPostEffectValues + 2}, nn::DType::F32);
    auto pixels = context().arena().allocate(count * 4, gpu::MemoryKind::Staging);
    pipeline::postEffects(plan, image, values, 2, std::span(&pixels, 1));
    plan.finalize();
    auto input = testing::randomHalfValues(3 * count, 17, -0.1f, 1.1f);
    nn::writeTensor(context(), image, input);
    auto folded = pipeline::postEffectValues(effects);
    std::vector<float> written{7.0f, 7.0f};
    written.insert(written.end(), folded.begin(), folded.end());
    nn::writeTensor(context(), values, written);
    plan.run();
    int worst = 0;
    for (uint32_t i = 0; i < count; ++i) {
      auto expected = referenceEffects({input[i], input[count + i], input[2 * count + i]}, effects);
      const auto* rgba = reinterpret_cast<const uint8_t*>(pixels.mapped) + 4 * i;
      for (int c = 0; c < 3; ++c) {
        int want = int(std::lround(std::clamp(expected[c], 0.0, 1.0) * 255.0));
        worst = std::max(worst, std::abs(int(rgba[c]) - want));
      }
      EXPECT_EQ(rgba[3], 255);
    }
    context().arena().release(pixels);
    return worst;
  }
};

TEST_F(PostEffectsTest, MatchesTheEffectsAppliedOneByOne) {
  const PostEffects cases[] = {
      {},
      {.brightness = 1.4f},
      {.contrast = 1.8f},
      {.saturation = 0.2f},
      {.saturation = 2.0f},
      {.hueShift = 0.25f},
      {.hueShift = -0.6f},
      {.strobe = 0.7f},
      {.brightness = 0.8f, .contrast = 1.3f, .saturation = 1.5f, .hueShift = 0.1f, .strobe = 0.3f},
  };
  for (const auto& effects : cases) {
    int error = largestError(effects);
    std::printf("brightness %.1f contrast %.1f saturation %.1f hue %.2f strobe %.1f: largest error %d/255 (limit 1)\n",
                effects.brightness, effects.contrast, effects.saturation, effects.hueShift, effects.strobe, error);
    EXPECT_LE(error, 1);
  }
}

TEST_F(PostEffectsTest, BlackoutIsBlackWhateverElse) {
  EXPECT_LE(largestError({.brightness = 2.0f, .strobe = 1.0f, .blackout = true}), 0);
  auto values = pipeline::postEffectValues({.strobe = 1.0f, .blackout = true});
  for (float v : values) EXPECT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace afterimage
