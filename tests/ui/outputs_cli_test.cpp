// The outputs under Xvfb on lavapipe (window-test, validation layer on),
// read back from the swapchains: a corner-pinned calibration grid lands on
// the venue file's handles (pixel positions checked) and its centre where
// the diagonals cross; a mesh warp moves the grid through its control
// points; two outputs sharing an overlap ramp their light
// across it so that the two add up to the picture.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/image/png_image.h"
#include "tests/support/run_command.h"
#include "virtual_display.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

class OutputsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::VirtualDisplay::available())
      GTEST_SKIP() << "Xvfb is not installed (apt-get install xvfb; ./afterimage.sh test installs it)";
    display_ = std::make_unique<testing::VirtualDisplay>();
    dir_ = fs::temp_directory_path() / ("afterimage_outputs_test_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  int windowTest(const std::string& venue, const std::vector<std::string>& options) {
    std::ofstream(dir_ / "venue.toml") << venue;
    const char* gpu = std::getenv("AFTERIMAGE_GPU");
    std::vector<std::string> argv = {AFTERIMAGE_BINARY, "window-test", "--validation", "--seconds", "3",
                                     "--outputs", (dir_ / "venue.toml").string(), "--screenshots",
                                     (dir_ / "shots").string()};
    argv.insert(argv.end(), options.begin(), options.end());
    auto result = afterimage::testing::runCommand(
        argv, true, {{"DISPLAY", display_->name()}, {"AFTERIMAGE_GPU", gpu && *gpu ? gpu : "llvmpipe"}});
    std::printf("%s", result.output.c_str());
    return result.exitCode;
  }
  image::Image shot(const std::string& name) { return image::readPng((dir_ / "shots" / name).string()); }

  std::unique_ptr<testing::VirtualDisplay> display_;
  fs::path dir_;
};

float luma(const image::Image& image, int x, int y) {
  size_t plane = size_t(image.width) * image.height, i = size_t(y) * image.width + size_t(x);
  return 0.299f * image.planar[i] + 0.587f * image.planar[plane + i] + 0.114f * image.planar[2 * plane + i];
}

// The brightest luma within `radius` pixels of (x, y).
float brightestNear(const image::Image& image, double x, double y, int radius) {
  float peak = 0;
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx) {
      int px = int(std::floor(x)) + dx, py = int(std::floor(y)) + dy;
      if (px >= 0 && py >= 0 && px < int(image.width) && py < int(image.height))
        peak = std::max(peak, luma(image, px, py));
    }
  return peak;
}

TEST_F(OutputsCli, ACornerPinnedGridLandsOnTheHandles) {
  ASSERT_EQ(windowTest("[[output]]\nsize = [640, 360]\n"
                       "corners = [[0.1, 0.2], [0.8, 0.1], [0.9, 0.9], [0.2, 0.7]]\n",
                       {"--calibrate"}),
            0);
  image::Image grid = shot("output-2.png");
  ASSERT_EQ(grid.width, 640u);
  ASSERT_EQ(grid.height, 360u);
  // The handles in pixels, and the quad's centroid to step inward from.
  const double corners[4][2] = {{64, 72}, {512, 36}, {576, 324}, {128, 252}};
  const double cx = (64 + 512 + 576 + 128) / 4.0, cy = (72 + 36 + 324 + 252) / 4.0;
  for (int i = 0; i < 4; ++i) {
    double x = corners[i][0], y = corners[i][1];
    double dx = cx - x, dy = cy - y, length = std::hypot(dx, dy);
    dx /= length, dy /= length;
    // On the corner: the grid's thick white border.
    EXPECT_GT(brightestNear(grid, x + 2 * dx, y + 2 * dy, 1), 0.8f) << "corner " << i << " at " << x << "," << y;
    // Eight pixels outside: the black around the warped picture.
    EXPECT_LT(brightestNear(grid, x - 8 * dx, y - 8 * dy, 2), 0.02f) << "outside corner " << i;
  }
  // Inside the quad, off the lines: the grid's dark grey (0.1), not black.
  float inside = luma(grid, int(cx) + 17, int(cy) + 3);
  EXPECT_GT(inside, 0.05f);
  // The canvas centre's crossing lines land where the diagonals cross
  // (0.42, 0.48 of the window: see venue_test).
  EXPECT_GT(brightestNear(grid, 0.42 * 640, 0.48 * 360, 1), 0.8f);
  // Far outside the quad: black.
  EXPECT_LT(luma(grid, 10, 350), 0.02f);
  EXPECT_LT(luma(grid, 630, 5), 0.02f);
}

TEST_F(OutputsCli, AMeshWarpMovesTheGridThroughItsControlPoints) {
  // The middle control point of a 3 x 3 Catmull-Rom mesh moved from
  // (0.5, 0.5) to (0.6, 0.4): the canvas centre's crossing follows it.
  ASSERT_EQ(windowTest("[[output]]\nsize = [640, 360]\ncorners = [[0, 0], [1, 0], [1, 1], [0, 1]]\n"
                       "mesh = { columns = 3, rows = 3, interpolation = \"catmull-rom\", points = [[0, 0], [0.5, 0], "
                       "[1, 0], [0, 0.5], [0.6, 0.4], [1, 0.5], [0, 1], [0.5, 1], [1, 1]] }\n",
                       {"--calibrate"}),
            0);
  image::Image grid = shot("output-2.png");
  EXPECT_GT(brightestNear(grid, 0.6 * 640, 0.4 * 360, 1), 0.8f);
  // Where the crossing was without the mesh: off the lines now (dark grey).
  EXPECT_LT(luma(grid, 320, 180), 0.5f);
}

TEST_F(OutputsCli, TwoOutputsRampTheirLightAcrossTheOverlap) {
  // A 600 x 300 picture; each output shows 0.6 of it (360 x 300, one
  // window pixel a picture pixel); they overlap over canvas 0.4..0.6,
  // 120 pixels, a third of each output. Gamma 1: linear ramps.
  ASSERT_EQ(windowTest("[[output]]\nname = \"left\"\nsize = [360, 300]\nregion = [0, 0, 0.6, 1]\n"
                       "soft_edge = { right = 0.3333333, gamma = 1 }\n\n"
                       "[[output]]\nname = \"right\"\nsize = [360, 300]\nregion = [0.4, 0, 0.6, 1]\n"
                       "soft_edge = { left = 0.3333333, gamma = 1 }\n",
                       {"--size", "600x300", "--rate", "2", "--crossfade", "0"}),
            0);
  image::Image left = shot("output-2.png"), right = shot("output-2-2.png");
  ASSERT_EQ(left.width, 360u);
  ASSERT_EQ(right.width, 360u);
  // Column sums over all rows: the picture's own variation cancels in the
  // share each output gives a canvas column.
  auto columnSum = [](const image::Image& image, int x) {
    double sum = 0;
    for (int y = 0; y < int(image.height); ++y) sum += luma(image, x, y);
    return sum;
  };
  double worst = 0;
  for (int x = 244; x < 356; x += 8) {
    double l = columnSum(left, x), r = columnSum(right, x - 240);
    ASSERT_GT(l + r, 5.0) << "the overlap is dark at canvas column " << x;
    double expected = (360 - x - 0.5) / 120;  // the left output's share
    worst = std::max(worst, std::fabs(l / (l + r) - expected));
  }
  std::printf("soft edge: worst share error across the overlap %.4f\n", worst);
  EXPECT_LT(worst, 0.03);
  // Outside the overlap each output shows the picture.
  EXPECT_GT(columnSum(left, 100), 5.0);
  EXPECT_GT(columnSum(right, 350), 5.0);
  // At the overlap's outer ends each output is almost dark.
  EXPECT_LT(columnSum(left, 359), 0.02 * columnSum(left, 239) + 1.0);
  EXPECT_LT(columnSum(right, 0), 0.02 * columnSum(right, 120) + 1.0);
}

}  // namespace
}  // namespace afterimage::ui
