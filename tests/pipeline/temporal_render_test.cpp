// Temporal layers through the CLI: a model folder with motion_adapter/ (the
// tiny test model with the tiny random adapter), `models check` printing the
// layers and their history memory, `render` of a set with temporal_window,
// and the set check refusing temporal_window for a model without them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/run_command.h"
#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = AFTERIMAGE_BINARY;
const fs::path kGolden = fs::path(AFTERIMAGE_SOURCE_DIR) / "tests" / "golden" / "models";

class TemporalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::uniqueTempPath("temporal_cli");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    model_ = dir_ / "video_model";
    fs::copy(kGolden / "tiny_pipeline", model_, fs::copy_options::recursive);
    fs::copy(kGolden / "motion_adapter_tiny", model_ / "motion_adapter", fs::copy_options::recursive);
    track_ = (dir_ / "demo.wav").string();
    auto made = testing::runCommand({kBinary, "demo-track", "-o", track_});
    ASSERT_EQ(made.exitCode, 0) << made.output;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string writeSet(const fs::path& model, int window) {
    std::string path = (dir_ / "video.toml").string();
    std::ofstream(path) << "name = \"video\"\nmodel = \"" << model.string()
                        << "\"\nsize = [64, 64]\nsteps = 1\ntemporal_window = " << window
                        << "\n\n[[scene]]\nprompt = \"a misty forest\"\nseed = 3\n";
    return path;
  }

  fs::path dir_, model_;
  std::string track_;
};

TEST_F(TemporalCliTest, ModelsCheckPrintsTheTemporalLayersAndTheirHistory) {
  auto r = testing::runCommand(
      {kBinary, "models", "check", model_.string(), "--size", "64x64", "--temporal-window", "4"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("motion adapter, heads [4, 4], up to 16 frames"), std::string::npos) << r.output;
  // 3 kept frames of 5120 f16 values (tests/models/temporal_stream_test.cpp): 0.03 MiB.
  EXPECT_NE(r.output.find("temporal window 4: 0.0 MiB of history"), std::string::npos) << r.output;
}

TEST_F(TemporalCliTest, RenderStreamsTheTemporalLayers) {
  auto r = testing::runCommand({kBinary, "render", "--set", writeSet(model_, 4), "--audio", track_, "-o",
                                (dir_ / "frames").string(), "--fps", "10", "--to", "0.5", "--quiet"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  size_t frames = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "frames")) frames += entry.path().extension() == ".png";
  EXPECT_EQ(frames, 5u);
}

TEST_F(TemporalCliTest, ASetAskingTemporalLayersOfAModelWithoutThemIsRefused) {
  std::string set = writeSet(kGolden / "tiny_pipeline", 4);
  auto r = testing::runCommand({kBinary, "render", "--set", set, "--audio", track_, "-o",
                                (dir_ / "frames").string(), "--fps", "10", "--to", "0.3", "--quiet"});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("temporal_window: the model"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("has no temporal layers (motion_adapter/)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(set), std::string::npos) << r.output;
}

}  // namespace
}  // namespace afterimage
