// FilePlayer in paced mode (no output device needed): the analyzer hears the
// file at the real-time pace, as it would a live input, and the player
// finishes at the file's end, or loops it.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "audio/file_player.h"
#include "audio/file_source.h"
#include "audio/live_analysis.h"
#include "music_synth.h"
#include "tests/support/temp_path.h"

namespace afterimage::audio {
namespace {

TEST(FilePlayer, PacedPlaybackFeedsTheAnalyzerInRealTime) {
  testing::TrackSpec spec = testing::beatSet()[0];
  spec.seconds = 1.5;
  auto track = testing::synthesize(spec);
  std::string path = afterimage::testing::uniqueTempPath("player.wav").string();
  writeMonoWav(path, track.samples, track.sampleRate);

  auto start = std::chrono::steady_clock::now();
  FilePlayer player(path, {}, FilePlayer::Output::Paced);
  EXPECT_FALSE(player.playingToDevice());
  AnalyzerOptions options;
  options.sampleRate = player.sampleRate();
  LiveAnalysis live([&](float* out, size_t n) { return player.read(out, n); }, options, 10.0);

  // Never ahead of the clock (tight); behind it only by what a loaded
  // machine's scheduling costs (loose: ctest runs suites side by side).
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double position = player.position();
  EXPECT_LE(position, elapsed + 0.01) << "the file is released at the real-time pace, not faster";
  EXPECT_GE(position, elapsed - 0.2) << "the file is released at the real-time pace";
  EXPECT_LE(live.latest().time, player.position() + 0.01);
  EXPECT_GE(live.latest().time, position - 0.2) << "the analyzer keeps up";
  EXPECT_GT(live.latest().loudness, 0.1f);

  while (!player.finished() && std::chrono::steady_clock::now() - start < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(player.finished());
  EXPECT_GE(elapsed, 1.5 - 0.01) << "finished faster than real time";
  EXPECT_LE(elapsed, 1.5 + 0.5);
  std::filesystem::remove(path);
}

// Looping (live mode's --audio-file): at the file's end it starts again
// with no gap, so the analyzer hears continuous audio and the player never
// finishes.
TEST(FilePlayer, LoopingPlaysOnPastTheEndWithoutAGap) {
  const int rate = 8000;
  std::vector<float> ramp(4000);  // 0.5 s: sample i holds i / 4000, distinct in 16 bits
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = float(i) / float(ramp.size());
  std::string path = afterimage::testing::uniqueTempPath("loop.wav").string();
  writeMonoWav(path, ramp, rate, /*asFloat=*/true);

  FilePlayer player(path, {}, FilePlayer::Output::Paced, "", FilePlayer::Playback::Loop);
  std::vector<float> heard;
  auto start = std::chrono::steady_clock::now();
  while (heard.size() < 3 * ramp.size() + 500 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    float block[512];
    heard.insert(heard.end(), block, block + player.read(block, 512));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(player.finished());
  EXPECT_GE(player.completedPlays(), 3u);
  EXPECT_LT(player.position(), 0.5);
  ASSERT_GE(heard.size(), 3 * ramp.size() + 500) << "1.6 s of audio from a 0.5 s file in real time";
  for (size_t i = 0; i < heard.size(); ++i)
    ASSERT_EQ(heard[i], ramp[i % ramp.size()]) << "sample " << i << ": the loop repeats the file exactly, no gap";
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace afterimage::audio
