// Recording the show (`live --record`) under Xvfb on lavapipe: a 10 s run
// of the tiny model over the demo track writes a video with a video and an
// audio stream; its frame count is the recording rate times the audio's
// duration (real time) within 5%; an existing file of that name is left
// alone (the recording takes NAME-2.mp4). The presenter's frame times with
// and without recording are printed (the figure of recording's cost).
// `live --stream udp://...` sends MPEG-TS that ffmpeg, listening on that
// port, reads back as H.264 frames of the show's size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "tests/support/run_command.h"
#include "virtual_display.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

class RecordingCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::VirtualDisplay::available())
      GTEST_SKIP() << "Xvfb is not installed (apt-get install xvfb; ./afterimage.sh test installs it)";
    display_ = std::make_unique<testing::VirtualDisplay>();
    dir_ = fs::temp_directory_path() / ("afterimage_recording_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto made = afterimage::testing::runCommand({AFTERIMAGE_BINARY, "demo-track", "-o", (dir_ / "track.wav").string()});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    std::ofstream(dir_ / "live.toml")
        << "name = \"recording test\"\nmodel = \"" AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline\"\n"
           "size = [64, 64]\nsteps = 1\nfps = 30\n\n[[scene]]\nname = \"forest\"\nprompt = \"a misty forest\"\nseed = 3\n";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  afterimage::testing::CommandResult live(const std::vector<std::string>& options, const std::string& seconds = "10") {
    const char* gpu = std::getenv("AFTERIMAGE_GPU");
    std::vector<std::string> argv = {AFTERIMAGE_BINARY, "live", "--validation", "--set", (dir_ / "live.toml").string(),
                                     "--audio-file", (dir_ / "track.wav").string(), "--seconds", seconds, "--size",
                                     "64x64"};
    argv.insert(argv.end(), options.begin(), options.end());
    auto result = afterimage::testing::runCommand(
        argv, true, {{"DISPLAY", display_->name()}, {"AFTERIMAGE_GPU", gpu && *gpu ? gpu : "llvmpipe"}});
    std::printf("%s", result.output.c_str());
    return result;
  }

  std::unique_ptr<testing::VirtualDisplay> display_;
  fs::path dir_;
};

// "video 300 10.0" / "audio 0 10.01": codec type, frames, duration.
std::string probe(const fs::path& file) {
  auto result = afterimage::testing::runCommand(
      {"ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,nb_read_frames,duration", "-of",
       "csv=p=0", "file:" + file.string()},
      false);
  return result.output;
}

struct FrameTimes {
  double mean = -1, p95 = -1;
};

FrameTimes frameTimes(const std::string& output) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(R"(presenter frame time: mean ([\d.]+) ms, p95 ([\d.]+) ms)")))
    return {};
  return {std::stod(m[1]), std::stod(m[2])};
}

TEST_F(RecordingCli, ATenSecondShowIsRecordedWithItsAudioAtTheRecordingRate) {
  std::ofstream(dir_ / "show.mp4") << "an earlier recording";
  auto recorded = live({"--record", (dir_ / "show.mp4").string(), "--record-fps", "30"});
  ASSERT_EQ(recorded.exitCode, 0);
  EXPECT_NE(recorded.output.find("recorded " + (dir_ / "show-2.mp4").string()), std::string::npos);
  std::ifstream kept(dir_ / "show.mp4");
  std::stringstream text;
  text << kept.rdbuf();
  EXPECT_EQ(text.str(), "an earlier recording") << "an existing file was overwritten";

  std::string streams = probe(dir_ / "show-2.mp4");
  std::printf("ffprobe:\n%s", streams.c_str());
  std::smatch video, audio;
  ASSERT_TRUE(std::regex_search(streams, video, std::regex(R"(video,([\d.]+),(\d+))"))) << streams;
  ASSERT_TRUE(std::regex_search(streams, audio, std::regex(R"(audio,([\d.]+),(\d+))"))) << streams;
  double frames = std::stod(video[2]), audioSeconds = std::stod(audio[1]);
  double expected = 30 * audioSeconds;
  std::printf("recording: %.0f video frames, audio %.2f s: %.1f frames a second of audio (30 asked)\n", frames,
              audioSeconds, frames / audioSeconds);
  EXPECT_GT(audioSeconds, 8.0);
  EXPECT_NEAR(frames, expected, 0.05 * expected);

  // The same show without recording: the presenter's frame times beside.
  auto plain = live({});
  ASSERT_EQ(plain.exitCode, 0);
  FrameTimes with = frameTimes(recorded.output), without = frameTimes(plain.output);
  ASSERT_GT(with.mean, 0);
  ASSERT_GT(without.mean, 0);
  std::printf("presenter frame time: recording mean %.2f ms p95 %.2f ms; not recording mean %.2f ms p95 %.2f ms\n",
              with.mean, with.p95, without.mean, without.p95);
}

TEST_F(RecordingCli, AStreamIsReadBackByFfmpegListeningOnItsPort) {
  std::string address = "udp://127.0.0.1:" + std::to_string(20000 + getpid() % 20000);
  fs::path received = dir_ / "received.ts";
  // Listening first (UDP keeps nothing for a late reader); it gives up
  // after 20 s without packets.
  system::ChildProcess listener({.argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i",
                                          address + "?timeout=20000000", "-frames:v", "30", "-c", "copy", "-f",
                                          "mpegts", "file:" + received.string()},
                                 .discardStderr = true});
  auto streamed = live({"--stream", address, "--record-fps", "30"}, "6");
  ASSERT_EQ(streamed.exitCode, 0);
  EXPECT_TRUE(listener.wait().ok());
  std::string streams = probe(received);
  std::printf("received:\n%s", streams.c_str());
  std::smatch video;
  ASSERT_TRUE(std::regex_search(streams, video, std::regex(R"(video,[^,]*,(\d+))"))) << streams;
  EXPECT_GE(std::stoi(video[1]), 25);
  auto size = afterimage::testing::runCommand({"ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height",
                                               "-of", "csv=p=0", "file:" + received.string()},
                                              false);
  EXPECT_EQ(size.output.substr(0, 11), "h264,64,64\n") << size.output;
}

}  // namespace
}  // namespace afterimage::ui
