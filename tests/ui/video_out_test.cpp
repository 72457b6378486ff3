// Recording and streaming (ui/video_out.h, ui/video_out_target.h) without
// a display: names never replace a file, stream targets are checked, and
// with a stand-in for ffmpeg that stalls two seconds before reading, the
// presenter's offer() never waits: pictures are dropped and counted, and
// every due frame still reaches the encoder (the last picture repeated).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_path.h"
#include "ui/video_out.h"
#include "ui/video_out_target.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

TEST(VideoOutTarget, ARecordingNeverTakesTheNameOfAFileOrOfAnEarlierRecording) {
  fs::path dir = afterimage::testing::uniqueTempPath("names");
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_EQ(unusedName(dir / "show.mp4"), dir / "show.mp4");
  std::ofstream(dir / "show.mp4") << "x";
  EXPECT_EQ(unusedName(dir / "show.mp4"), dir / "show-2.mp4");
  EXPECT_EQ(unusedName(dir / "show.mp4", {dir / "show-2.mp4"}), dir / "show-3.mp4");
  fs::remove_all(dir);
}

TEST(VideoOutTarget, StreamsGoToNetworkAddressesOrAVideoDeviceOnly) {
  for (const char* good : {"udp://127.0.0.1:5000", "rtp://239.0.0.1:5004", "srt://example.org:9000?mode=caller",
                           "/dev/video10"})
    EXPECT_NO_THROW(checkStreamTarget(good)) << good;
  for (const char* bad : {"-f null", "file:/etc/passwd", "http://x:1", "/dev/sda", "udp://a b:1", "/tmp/out.ts"})
    EXPECT_THROW(checkStreamTarget(bad), std::invalid_argument) << bad;
  auto argv = streamArguments(64, 64, 30, "udp://127.0.0.1:5000");
  EXPECT_EQ(argv.front(), "ffmpeg");
  EXPECT_EQ(argv.back(), "udp://127.0.0.1:5000");  // one argument, as given: no shell
  auto device = streamArguments(64, 64, 30, "/dev/video10");
  EXPECT_EQ(device[device.size() - 2], "v4l2");
}

TEST(VideoOut, ALaggingEncoderDropsPicturesWithoutMakingThePresenterWait) {
  fs::path dir = afterimage::testing::uniqueTempPath("slow_ffmpeg");
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream script(dir / "ffmpeg");
    script << "#!/bin/sh\n# a stand-in for ffmpeg (test): stalls, then takes everything\nsleep 2\ncat > /dev/null\n";
  }
  fs::permissions(dir / "ffmpeg", fs::perms::owner_all);
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", (dir.string() + ":" + path).c_str(), 1);

  VideoOutOptions options;
  options.kind = VideoOutOptions::Kind::Stream;
  options.target = "udp://127.0.0.1:9";
  options.fps = 30;
  HostFrame frame;
  frame.resize(128, 128);  // 64 KiB: the pipe holds one
  double slowest = 0;
  {
    VideoOut out(options);
    for (int i = 0; i < 60; ++i) {
      frame.sequence = uint64_t(i + 1);
      frame.rgba[0] = uint8_t(i);
      auto start = std::chrono::steady_clock::now();
      out.offer(&frame, i / 30.0, 0, 1, i / 30.0);
      slowest = std::max(slowest, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    VideoOutStatus during = out.status();
    EXPECT_GT(during.dropped, 0u) << "the stalled encoder should have made the queue overflow";
    out.wait();
    VideoOutStatus done = out.status();
    EXPECT_TRUE(done.error.empty()) << done.error;
    EXPECT_EQ(done.frames, 60u) << "every due frame is written, dropped pictures as repeats";
    EXPECT_EQ(done.dropped, during.dropped);
    std::printf("dropped %llu of 60 pictures\n", static_cast<unsigned long long>(done.dropped));
  }
  setenv("PATH", path.c_str(), 1);
  std::printf("slowest offer: %.3f ms\n", slowest);
  EXPECT_LT(slowest, 20.0) << "offer() waited for the encoder";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace afterimage::ui
