// `afterimage window-test` under Xvfb on lavapipe: the output window and the
// control panel open, frames are presented (validation layer on) more often
// than the test pattern makes them, and what each window presented, read
// back from its swapchain, is a picture (not blank) that moves between two
// moments; a square frame in the wide output window is letterboxed with
// black bars, also after the window is resized.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "engine/image/png_image.h"
#include "screenshot_checks.h"
#include "virtual_display.h"
#include "tests/support/run_command.h"

namespace afterimage::ui {
namespace {

using afterimage::testing::CommandResult;

using testing::brightest;
using testing::changedFraction;
using testing::lumaDeviation;

// Runs window-test on its own Xvfb with the validation layer, screenshots
// into a fresh folder; lavapipe unless AFTERIMAGE_GPU says otherwise (a
// hardware driver cannot present to Xvfb).
class WindowTestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::VirtualDisplay::available())
      GTEST_SKIP() << "Xvfb is not installed (apt-get install xvfb; ./afterimage.sh test installs it)";
    display_ = std::make_unique<testing::VirtualDisplay>();
    dir_ = std::filesystem::temp_directory_path() /
           ("afterimage_window_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  CommandResult windowTest(const std::vector<std::string>& options) {
    const char* gpu = std::getenv("AFTERIMAGE_GPU");
    std::vector<std::string> argv = {AFTERIMAGE_BINARY, "window-test", "--validation", "--screenshots", dir_.string()};
    argv.insert(argv.end(), options.begin(), options.end());
    auto result = afterimage::testing::runCommand(
        argv, true, {{"DISPLAY", display_->name()}, {"AFTERIMAGE_GPU", gpu && *gpu ? gpu : "llvmpipe"}});
    std::printf("%s", result.output.c_str());
    return result;
  }
  image::Image screenshot(const std::string& name) { return image::readPng((dir_ / name).string()); }

  std::unique_ptr<testing::VirtualDisplay> display_;
  std::filesystem::path dir_;
};

TEST_F(WindowTestCli, BothWindowsPresentMovingPicturesUnderXvfb) {
  auto result = windowTest({"--seconds", "3", "--size", "360x360", "--rate", "10"});
  ASSERT_EQ(result.exitCode, 0) << result.output;

  std::smatch m;
  ASSERT_TRUE(std::regex_search(result.output, m, std::regex(R"(presented (\d+) frames in ([\d.]+) s: ([\d.]+) fps; (\d+) new frames shown)")))
      << result.output;
  int presented = std::stoi(m[1]), shown = std::stoi(m[4]);
  EXPECT_GE(presented, 6) << "the output window presented too few frames";
  EXPECT_GE(shown, 3) << "too few generated frames reached the output window";
  // The output presents at the display's pace (Xvfb: 60 Hz), holding the
  // last frame between the test pattern's 10 a second.
  EXPECT_GT(presented, shown) << "the output presented no more often than frames came";

  auto output1 = screenshot("output-1.png");
  auto output2 = screenshot("output-2.png");
  auto panel1 = screenshot("panel-1.png");
  auto panel2 = screenshot("panel-2.png");
  EXPECT_EQ(output1.width, 960u);
  EXPECT_EQ(output1.height, 540u);
  EXPECT_EQ(panel1.width, 460u);

  // The 360x360 frame fills 540x540 in the middle of the 960x540 window.
  double centre = lumaDeviation(output1, 220, 740);
  double leftBar = brightest(output1, 0, 200), rightBar = brightest(output1, 760, 960);
  double outputMoved = changedFraction(output1, output2);
  double panelDeviation = lumaDeviation(panel1, 0, panel1.width);
  double panelMoved = changedFraction(panel1, panel2);
  std::printf("output: centre luma deviation %.3f, bars peak %.3f/%.3f, changed %.1f%%; panel: deviation %.3f, "
              "changed %.2f%%\n",
              centre, leftBar, rightBar, 100 * outputMoved, panelDeviation, 100 * panelMoved);
  EXPECT_GT(centre, 0.05) << "the output picture is blank";
  EXPECT_LT(leftBar, 0.02) << "the letterbox bars are not black";
  EXPECT_LT(rightBar, 0.02) << "the letterbox bars are not black";
  EXPECT_GT(outputMoved, 0.2) << "the output did not change over time";
  EXPECT_GT(panelDeviation, 0.03) << "the control panel is blank";
  EXPECT_GT(panelMoved, 0.0005) << "the control panel's meters did not move";
}

// Halfway through, the output window becomes 800x600: its swapchain is
// rebuilt and the square frame lands in the middle 600x600.
TEST_F(WindowTestCli, AResizedOutputWindowIsRebuiltAndLetterboxed) {
  auto result = windowTest({"--seconds", "2", "--size", "360x360", "--rate", "20", "--resize", "800x600"});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(result.output, m, std::regex(R"(output swapchain rebuilds: (\d+))"))) << result.output;
  EXPECT_GE(std::stoi(m[1]), 1);
  auto after = screenshot("output-2.png");
  ASSERT_EQ(after.width, 800u);
  ASSERT_EQ(after.height, 600u);
  double centre = lumaDeviation(after, 120, 680);
  double leftBar = brightest(after, 0, 90), rightBar = brightest(after, 710, 800);
  std::printf("after resize: centre luma deviation %.3f, bars peak %.3f/%.3f\n", centre, leftBar, rightBar);
  EXPECT_GT(centre, 0.05);
  EXPECT_LT(leftBar, 0.02);
  EXPECT_LT(rightBar, 0.02);
}

}  // namespace
}  // namespace afterimage::ui
