// FileSource: WAV, FLAC and OGG through libsndfile, mono mix or one channel,
// and errors that name the file.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/file_source.h"
#include "tests/support/temp_path.h"

namespace afterimage::audio {
namespace {

std::string tempPath(const std::string& name) {
  return afterimage::testing::uniqueTempPath("audio_" + name).string();
}

// A stereo file: left a 440 Hz sine at 0.5, right a constant 0.25.
std::string writeStereo(const std::string& name, int format) {
  std::string path = tempPath(name);
  SF_INFO info{};
  info.samplerate = 48000, info.channels = 2, info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  std::vector<float> frames(2 * 4800);
  for (size_t i = 0; i < 4800; ++i) {
    frames[2 * i] = 0.5f * float(std::sin(2 * M_PI * 440 * double(i) / 48000));
    frames[2 * i + 1] = 0.25f;
  }
  sf_writef_float(f, frames.data(), 4800);
  sf_close(f);
  return path;
}

double meanOf(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += v;
  return s / double(x.size());
}

TEST(FileSource, ReadsWavFlacAndOggAsMonoMixOrOneChannel) {
  for (auto [name, format, tolerance] : {std::tuple{"stereo.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1e-3},
                                         std::tuple{"stereo.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1e-3},
                                         std::tuple{"stereo.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 3e-2}}) {
    std::string path = writeStereo(name, format);
    int rate = 0;
    auto mix = readMonoFile(path, &rate);
    EXPECT_EQ(rate, 48000) << name;
    ASSERT_NEAR(double(mix.size()), 4800, 0) << name;
    // The mix is (sine + 0.25) / 2: its mean is 0.125.
    EXPECT_NEAR(meanOf(mix), 0.125, tolerance) << name;
    auto right = readMonoFile(path, nullptr, ChannelSelection{1});
    EXPECT_NEAR(meanOf(right), 0.25, tolerance) << name;
    std::filesystem::remove(path);
  }
}

TEST(FileSource, MissingFileAndChannelAreErrorsNamingThem) {
  try {
    FileSource source("/nonexistent/song.flac");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/song.flac"), std::string::npos) << e.what();
  }
  std::string path = writeStereo("channels.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  try {
    FileSource source(path, ChannelSelection{2});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("channel 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("has 2"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace afterimage::audio
