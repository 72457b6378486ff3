// latentTransform against PyTorch's grid_sample(affine_grid(theta),
// align_corners=False) with reflection and border padding
// (tools/reference/ops_latent_transform.py), motionMatrix against the same
// script's matrices, new motion taking effect on replay, and the motion's
// directions on screen. Tolerance: relative L2 < 2e-3 (f16 output rounding;
// coordinates are f32 on both sides).
#include "engine/nn/latent_transform.h"

#include <cmath>
#include <numbers>

#include "engine/gpu/gpu_error.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

class LatentTransformTest : public testing::GpuTest {
 protected:
  // Where the single bright pixel of a size x size picture lands after `motion`.
  std::pair<int, int> movedDot(const nn::Motion& motion, int size, int row, int column) {
    nn::Plan plan(context());
    auto input = plan.persistent({1, 1, uint32_t(size), uint32_t(size)});
    auto theta = plan.persistent({6}, nn::DType::F32);
    auto output = nn::latentTransform(plan, input, theta, 0, nn::EdgeMode::Clamp);
    plan.finalize();
    std::vector<float> picture(size * size, 0.0f);
    picture[row * size + column] = 1.0f;
    nn::writeTensor(context(), input, picture);
    auto matrix = nn::motionMatrix(motion, size, size);
    nn::writeTensor(context(), theta, matrix);
    plan.run();
    auto moved = nn::readTensor(context(), output);
    auto brightest = std::max_element(moved.begin(), moved.end()) - moved.begin();
    return {int(brightest / size), int(brightest % size)};
  }
};

TEST_F(LatentTransformTest, MatchesPyTorchGridSample) {
  testing::Golden golden("ops/latent_transform.safetensors");
  for (const auto& name : golden.cases()) {
    SCOPED_TRACE(name);
    auto params = golden.params(name);
    nn::Plan plan(context());
    auto input = testing::goldenInput(plan, golden, name, "input");
    auto theta = testing::goldenInput(plan, golden, name, "theta", nn::DType::F32);
    auto edges = params["edges"] == "reflect" ? nn::EdgeMode::Reflect : nn::EdgeMode::Clamp;
    auto output = nn::latentTransform(plan, input.tensor, theta.tensor, 0, edges);
    plan.finalize();
    testing::writeGoldenInputs(context(), {&input, &theta});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
  }
}

TEST_F(LatentTransformTest, MotionMatrixMatchesTheReference) {
  testing::Golden golden("ops/latent_transform.safetensors");
  for (const auto& name : golden.cases()) {
    auto params = golden.params(name);
    auto shape = golden.shape(name, "input");
    nn::Motion motion{params["zoom"], params["rotate"], params["translate_x"], params["translate_y"]};
    auto matrix = nn::motionMatrix(motion, shape[3], shape[2]);
    auto expected = golden.values(name, "theta");
    for (int i = 0; i < 6; ++i) EXPECT_NEAR(matrix[i], expected[i], 1e-6) << name << " theta[" << i << "]";
  }
  EXPECT_THROW(nn::motionMatrix({.zoom = 0.0f}, 8, 8), std::invalid_argument);
}

TEST_F(LatentTransformTest, MotionMovesThePictureTheWayItSays) {
  // A dot two pixels right of the centre of a 9x9 picture (centre (4, 4)).
  EXPECT_EQ(movedDot({.zoom = 2.0f}, 9, 4, 6), std::make_pair(4, 8));  // zoom in: away from the centre
  EXPECT_EQ(movedDot({.rotate = std::numbers::pi_v<float> / 2}, 9, 4, 6), std::make_pair(2, 4));  // CCW: up
  EXPECT_EQ(movedDot({.translateX = -2.0f / 9}, 9, 4, 6), std::make_pair(4, 4));  // left by 2 pixels
  EXPECT_EQ(movedDot({.translateY = 1.0f / 9}, 9, 4, 6), std::make_pair(5, 6));   // down by 1
}

TEST_F(LatentTransformTest, NewMotionAppliesOnReplay) {
  nn::Plan plan(context());
  auto input = plan.persistent({1, 2, 6, 8});
  auto theta = plan.persistent({8}, nn::DType::F32);
  auto output = nn::latentTransform(plan, input, theta, 2);
  plan.finalize();
  auto values = testing::randomHalfValues(2 * 6 * 8, 5);
  nn::writeTensor(context(), input, values);
  std::vector<float> identity{9, 9, 1, 0, 0, 0, 1, 0};
  nn::writeTensor(context(), theta, identity);
  plan.run();
  EXPECT_LT(testing::relativeL2(nn::readTensor(context(), output), values), 1e-3);  // f32 coordinates
  std::vector<float> flip{9, 9, -1, 0, 0, 0, 1, 0};  // mirror left-right
  nn::writeTensor(context(), theta, flip);
  plan.run();
  auto mirrored = nn::readTensor(context(), output);
  EXPECT_NEAR(mirrored[0], values[7], 2e-3);
  EXPECT_NEAR(mirrored[8 * 6 + 8 + 3], values[8 * 6 + 8 + 4], 2e-3);
}

// The channel affine (the generator's colour anchor) scales and offsets
// each channel of the warped picture.
TEST_F(LatentTransformTest, ChannelAffineScalesAndOffsetsEachChannel) {
  nn::Plan plan(context());
  auto input = plan.persistent({2, 3, 6, 8});
  auto theta = plan.persistent({6}, nn::DType::F32);
  auto scale = plan.persistent({1, 3, 1, 1}), offset = plan.persistent({1, 3, 1, 1});
  auto warped = nn::latentTransform(plan, input, theta, 0);
  auto anchored = nn::latentTransform(plan, input, theta, 0, nn::EdgeMode::Reflect, {}, {scale, offset});
  plan.finalize();
  nn::writeTensor(context(), input, testing::randomHalfValues(input.elements(), 61));
  nn::writeTensor(context(), theta, nn::motionMatrix({1.1f, 0.2f, 0.05f, 0.0f}, 8, 6));
  std::vector<float> scales{0.5f, 1.25f, -1.0f}, offsets{0.25f, -0.5f, 0.125f};
  nn::writeTensor(context(), scale, scales);
  nn::writeTensor(context(), offset, offsets);
  plan.run();
  auto expected = nn::readTensor(context(), warped);
  for (size_t i = 0; i < expected.size(); ++i) {
    size_t channel = i / 48 % 3;
    expected[i] = expected[i] * scales[channel] + offsets[channel];
  }
  EXPECT_LT(testing::relativeL2(nn::readTensor(context(), anchored), expected), kTolerance);
  EXPECT_THROW(nn::latentTransform(plan, input, theta, 0, nn::EdgeMode::Reflect, {}, {scale, {}}), gpu::GpuError);
}

TEST_F(LatentTransformTest, RejectsAnOutputThatIsTheInput) {
  nn::Plan plan(context());
  auto input = plan.persistent({1, 4, 8, 8});
  auto theta = plan.persistent({6}, nn::DType::F32);
  EXPECT_THROW(nn::latentTransform(plan, input, theta, 0, nn::EdgeMode::Reflect, input), gpu::GpuError);
  EXPECT_THROW(nn::latentTransform(plan, input, theta, 1), gpu::GpuError);
  EXPECT_THROW(nn::latentTransform(plan, plan.persistent({4, 8, 8}), theta, 0), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
