// `afterimage live` under Xvfb on lavapipe with the validation layer: the
// tiny test model at 64x64 over the synthesized demo track. Mid-run the
// audio is unplugged (AFTERIMAGE_TEST_UNPLUG_AFTER), then the set file is
// broken, then fixed; the output keeps presenting and the generator keeps
// generating after each, the broken set is reported with its line and the
// fixed one is picked up; at the end both windows' screenshots are pictures.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>

#include "engine/image/png_image.h"
#include "screenshot_checks.h"
#include "tests/support/run_command.h"
#include "virtual_display.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

std::string tinySet(const std::string& sceneName) {
  return "name = \"live test\"\nmodel = \"" AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline\"\n"
         "size = [64, 64]\nsteps = 1\nfps = 30\n\n"
         "[[mapping]]\nsource = \"low\"\ntarget = \"zoom\"\ngain = 0.05\n\n"
         "[[trigger]]\non = \"beat\"\naction = \"pulse\"\ntarget = \"strobe\"\namount = 0.8\ndecay = 0.15\n\n"
         "[[scene]]\nname = \"" + sceneName + "\"\nprompt = \"a misty forest:0.7, a neon city:0.3\"\nseed = 3\n"
         "[scene.params]\nstrength = 0.3\n";
}

// The counts printed with one of live mode's event lines.
struct Event {
  double time = -1;
  long presented = -1, generated = -1;
};

Event findEvent(const std::string& output, const std::string& what) {
  std::smatch m;
  std::regex line(R"(live: t=([\d.]+)s presented=(\d+) generated=(\d+): [^\n]*)" + what);
  if (!std::regex_search(output, m, line)) return {};
  return {std::stod(m[1]), std::stol(m[2]), std::stol(m[3])};
}

class LiveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::VirtualDisplay::available())
      GTEST_SKIP() << "Xvfb is not installed (apt-get install xvfb; ./afterimage.sh test installs it)";
    display_ = std::make_unique<testing::VirtualDisplay>();
    dir_ = fs::temp_directory_path() / ("afterimage_live_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::unique_ptr<testing::VirtualDisplay> display_;
  fs::path dir_;
};

TEST_F(LiveCli, KeepsPresentingThroughAnUnpluggedSourceAndABrokenSet) {
  std::string binary = AFTERIMAGE_BINARY;
  std::string track = (dir_ / "track.wav").string(), set = (dir_ / "live.toml").string();
  auto made = afterimage::testing::runCommand({binary, "demo-track", "-o", track});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  std::ofstream(set) << tinySet("forest");
  std::ofstream(dir_ / "broken.toml") << "name = \"live test\"\nsize = [64, 64\n";
  std::ofstream(dir_ / "fixed.toml") << tinySet("fixed forest");

  // The events follow the show's own lines, so a slow start cannot make
  // them land before it runs: the set breaks a second after the unplug is
  // seen, and is fixed a second after the error is seen.
  const char* gpu = std::getenv("AFTERIMAGE_GPU");
  std::string log = (dir_ / "live.log").string();
  std::string script =
      "DISPLAY=" + display_->name() + " AFTERIMAGE_GPU='" + (gpu && *gpu ? gpu : "llvmpipe") +
      "' AFTERIMAGE_TEST_UNPLUG_AFTER=1.5 " + binary + " live --validation --set " + set + " --audio-file " + track +
      " --seconds 8 --size 64x64 --screenshot-dir " + dir_.string() + " > " + log + " 2>&1 & pid=$!\n" +
      "wait_for() { for i in $(seq 400); do grep -q \"$1\" " + log + " && return 0; sleep 0.1; done; return 1; }\n" +
      "wait_for unplugged && sleep 1 && cp " + (dir_ / "broken.toml").string() + " " + set + "\n" +
      "wait_for 'set error' && sleep 1 && cp " + (dir_ / "fixed.toml").string() + " " + set + "\n" +
      "wait $pid; rc=$?; cat " + log + "; exit $rc\n";
  std::ofstream(dir_ / "run.sh") << script;
  auto result = afterimage::testing::runCommand({"bash", (dir_ / "run.sh").string()});
  std::printf("%s", result.output.c_str());
  ASSERT_EQ(result.exitCode, 0) << result.output;

  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      result.output, m,
      std::regex(R"(presented (\d+) frames in ([\d.]+) s: ([\d.]+) fps; generated (\d+) frames: ([\d.]+) fps)")))
      << result.output;
  long presented = std::stol(m[1]), generated = std::stol(m[4]);
  double presentedFps = std::stod(m[3]), generatedFps = std::stod(m[5]);
  Event unplugged = findEvent(result.output, "unplugged");
  Event broken = findEvent(result.output, R"(set error \(keeping the last good set\): [^\n]*live\.toml:\d+:\d+)");
  Event fixed = findEvent(result.output, "set reloaded");
  std::printf("presented %ld (%.1f fps), generated %ld (%.1f fps); unplugged at %.2f s (%ld/%ld), set broken at "
              "%.2f s (%ld/%ld), fixed at %.2f s (%ld/%ld)\n",
              presented, presentedFps, generated, generatedFps, unplugged.time, unplugged.presented,
              unplugged.generated, broken.time, broken.presented, broken.generated, fixed.time, fixed.presented,
              fixed.generated);
  ASSERT_GE(unplugged.time, 0) << "the unplugged source was not reported";
  ASSERT_GE(broken.time, 0) << "the broken set was not reported with its file, line and column";
  ASSERT_GE(fixed.time, 0) << "the fixed set was not picked up";
  EXPECT_LT(unplugged.time, broken.time);
  EXPECT_LT(broken.time, fixed.time);
  // Presentation and generation went on after each event (at lavapipe's
  // pace on a busy machine: a few frames a second would do).
  EXPECT_GE(presented - unplugged.presented, 10) << "presentation stopped after the unplug";
  EXPECT_GE(presented - broken.presented, 10) << "presentation stopped after the set broke";
  EXPECT_GE(presented - fixed.presented, 5) << "presentation stopped after the set was fixed";
  EXPECT_GE(generated - broken.generated, 3) << "generation stopped after the set broke";
  EXPECT_GE(generated - fixed.generated, 2) << "generation stopped after the set was fixed";
  // The output holds frames between new ones: it presents more often.
  EXPECT_GT(presented, generated / 2);

  ASSERT_TRUE(fs::exists(dir_ / "output.png") && fs::exists(dir_ / "panel.png")) << result.output;
  auto output = image::readPng((dir_ / "output.png").string());
  auto panel = image::readPng((dir_ / "panel.png").string());
  ASSERT_EQ(output.width, 960u);
  ASSERT_EQ(output.height, 540u);
  // The 64x64 frame fills the middle 540x540 of the window.
  double centre = testing::lumaDeviation(output, 220, 740);
  double bars = std::max(testing::brightest(output, 0, 200), testing::brightest(output, 760, 960));
  double panelDeviation = testing::lumaDeviation(panel, 0, panel.width);
  std::printf("output: centre luma deviation %.3f, bars peak %.3f; panel: luma deviation %.3f\n", centre, bars,
              panelDeviation);
  EXPECT_GT(centre, 0.02) << "the output picture is blank";
  EXPECT_LT(bars, 0.02) << "the letterbox bars are not black";
  EXPECT_GT(panelDeviation, 0.03) << "the control panel is blank";
}

}  // namespace
}  // namespace afterimage::ui

namespace afterimage::ui {
namespace {

// A lost GPU (injected after a few frames by the test hook
// AFTERIMAGE_INJECT_DEVICE_LOST_AFTER_FRAMES): live mode says so, builds a
// new context, show and swapchains while the windows stay, and the show goes
// on: frames are generated and presented after the recovery, exit 0.
TEST_F(LiveCli, RecreatesTheGpuAfterADeviceLossAndGoesOn) {
  std::string binary = AFTERIMAGE_BINARY;
  std::string track = (dir_ / "track.wav").string(), set = (dir_ / "live.toml").string();
  std::string stats = (dir_ / "stats.csv").string();
  auto made = afterimage::testing::runCommand({binary, "demo-track", "-o", track});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  std::ofstream(set) << tinySet("forest");
  const char* gpu = std::getenv("AFTERIMAGE_GPU");
  std::string script = "DISPLAY=" + display_->name() + " AFTERIMAGE_GPU='" + (gpu && *gpu ? gpu : "llvmpipe") +
                       "' AFTERIMAGE_INJECT_DEVICE_LOST_AFTER_FRAMES=3 " + binary + " live --validation --set " + set +
                       " --audio-file " + track + " --seconds 12 --size 64x64 --stats " + stats + " 2>&1\n";
  std::ofstream(dir_ / "run.sh") << script;
  auto result = afterimage::testing::runCommand({"bash", (dir_ / "run.sh").string()});
  std::printf("%s", result.output.c_str());
  ASSERT_EQ(result.exitCode, 0) << result.output;

  Event lost = findEvent(result.output, R"(the GPU was lost \(driver reset or removed\): [^\n]*DEVICE_LOST)");
  Event recreated = findEvent(result.output, "GPU recreated on ");
  ASSERT_GE(lost.time, 0) << "the lost device was not reported";
  ASSERT_GE(recreated.time, 0) << "the device was not recreated";
  EXPECT_LE(lost.time, recreated.time);
  EXPECT_GE(lost.generated, 3);

  std::smatch m;
  ASSERT_TRUE(std::regex_search(result.output, m,
                                std::regex(R"(presented (\d+) frames in ([\d.]+) s: ([\d.]+) fps; generated (\d+))")))
      << result.output;
  long presented = std::stol(m[1]), generated = std::stol(m[4]);
  std::printf("lost at %.2f s (%ld/%ld), recreated at %.2f s (%ld/%ld); in all presented %ld, generated %ld\n",
              lost.time, lost.presented, lost.generated, recreated.time, recreated.presented, recreated.generated,
              presented, generated);
  EXPECT_GE(presented - recreated.presented, 5) << "presentation did not resume after the recovery";
  EXPECT_GE(generated - recreated.generated, 3) << "generation did not resume after the recovery";

  // The stats file: one row per presented frame, before and after.
  std::ifstream in(stats);
  std::string line, last;
  long rows = 0;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != 't') ++rows, last = line;
  ASSERT_FALSE(last.empty()) << "no stats rows";
  long lastPresented = 0, lastGenerated = 0;
  ASSERT_EQ(std::sscanf(last.c_str(), "%*f,%*f,%ld,%ld", &lastPresented, &lastGenerated), 2) << last;
  EXPECT_GT(lastPresented, recreated.presented);
  EXPECT_GT(lastGenerated, recreated.generated);
  EXPECT_GE(rows, presented - 1);
}

}  // namespace
}  // namespace afterimage::ui
