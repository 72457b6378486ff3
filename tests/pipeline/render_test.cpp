// The offline renderer end to end through the CLI: the synthesized demo
// track, a set on the tiny test model, an MP4 with audio (checked with
// ffprobe) and PNG frames, the per-frame CSV, and clear errors with exit 1.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_path.h"
#include "tests/support/run_command.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;

using afterimage::testing::CommandResult;

CommandResult run(const std::string& command) { return afterimage::testing::runCommand(command); }

const std::string kBinary = AFTERIMAGE_BINARY;

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::uniqueTempPath("render");
    fs::create_directories(dir_);
    track_ = (dir_ / "demo.wav").string();
    auto made = run(kBinary + " demo-track -o " + track_);
    ASSERT_EQ(made.exitCode, 0) << made.output;
    set_ = (dir_ / "tiny.toml").string();
    std::ofstream(set_) << "name = \"tiny\"\nmodel = \"" << AFTERIMAGE_SOURCE_DIR
                        << "/tests/golden/models/tiny_pipeline\"\nsize = [64, 64]\nsteps = 1\n\n"
                           "[[scene]]\nname = \"one\"\nprompt = \"a misty forest\"\nseed = 3\n"
                           "[scene.params]\nstrength = 0.3\n\n"
                           "[[trigger]]\non = \"beat\"\naction = \"pulse\"\ntarget = \"strobe\"\namount = 0.8\n"
                           "decay = 0.15\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static size_t lines(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) ++n;
    return n;
  }

  fs::path dir_;
  std::string track_, set_;
};

TEST_F(RenderTest, Mp4WithAudioAndCsv) {
  std::string out = (dir_ / "out.mp4").string();
  auto r = run(kBinary + " render --set " + set_ + " --audio " + track_ + " -o " + out + " --fps 10 --from 1 --to 3");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("20 frames"), std::string::npos) << r.output;
  EXPECT_EQ(lines(out + ".csv"), 21u);  // header + one row per frame
  auto probe = run("ffprobe -hide_banner -show_entries stream=codec_name,width -of csv=p=0 " + out);
  EXPECT_NE(probe.output.find("h264,64"), std::string::npos) << probe.output;
  EXPECT_NE(probe.output.find("aac"), std::string::npos) << probe.output;
}

TEST_F(RenderTest, PngFramesIntoAFolder) {
  fs::path out = dir_ / "frames";
  auto r = run(kBinary + " render --set " + set_ + " --audio " + track_ + " -o " + out.string() +
               " --fps 5 --to 1 --size 64x96");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_TRUE(fs::exists(out / "frame_000000.png"));
  EXPECT_TRUE(fs::exists(out / "frame_000004.png"));
  EXPECT_FALSE(fs::exists(out / "frame_000005.png"));
  EXPECT_EQ(lines(out / "frames.csv"), 6u);
}

TEST_F(RenderTest, BrokenSetAndMissingTrackExitOneNamingTheFile) {
  std::ofstream(set_, std::ios::app) << "\n[[mapping]]\nsource = \"low\"\ntarget = \"zom\"\n";
  auto broken = run(kBinary + " render --set " + set_ + " --audio " + track_ + " -o " + (dir_ / "x.mp4").string());
  EXPECT_EQ(broken.exitCode, 1) << broken.output;
  EXPECT_NE(broken.output.find("tiny.toml:"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("zoom"), std::string::npos) << broken.output;  // did you mean
  auto missing = run(kBinary + " render --set " + set_ + " --audio /nonexistent.wav -o " + (dir_ / "y.mp4").string());
  EXPECT_EQ(missing.exitCode, 1) << missing.output;
}

}  // namespace
}  // namespace afterimage
