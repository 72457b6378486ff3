// The offline renderer end to end through the CLI: the synthesized demo
// track, a set on the tiny test model, an MP4 with audio (checked with
// ffprobe) and PNG frames, the per-frame CSV, and clear errors with exit 1.
// Then the hardening: names a shell would interpret are only names, a
// failed render never replaces the previous output, outputs never overwrite
// inputs, and an ffmpeg that quits early is an error, not a SIGPIPE death.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_path.h"
#include "tests/support/run_command.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;

using afterimage::testing::CommandResult;

CommandResult run(const std::vector<std::string>& argv) { return afterimage::testing::runCommand(argv); }

const std::string kBinary = AFTERIMAGE_BINARY;

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::uniqueTempPath("render");
    fs::create_directories(dir_);
    track_ = (dir_ / "demo.wav").string();
    auto made = run({kBinary, "demo-track", "-o", track_});
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

  // A short render (3 frames of 64x64) with extra arguments, run in dir_.
  CommandResult render(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {kBinary, "render", "--set", set_, "--fps", "10", "--to", "0.3", "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return afterimage::testing::runCommand(argv, true, {}, dir_.string());
  }

  static std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  // Temporaries a render leaves behind (".NAME.partial-PID.EXT").
  size_t partialFiles() const {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir_))
      n += entry.path().filename().string().find(".partial-") != std::string::npos;
    return n;
  }

  fs::path dir_;
  std::string track_, set_;
};

// A 16-bit PCM WAV of 255 channels (a quiet tone on each): libsndfile reads
// it, ffmpeg's AAC encoder refuses it after the frames have started.
void writeWideWav(const fs::path& file, int channels, int rate, int frames) {
  std::ofstream out(file, std::ios::binary);
  auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  uint32_t bytes = uint32_t(frames) * channels * 2;
  out.write("RIFF", 4), u32(36 + bytes), out.write("WAVEfmt ", 8), u32(16), u16(1), u16(uint16_t(channels));
  u32(uint32_t(rate)), u32(uint32_t(rate) * channels * 2), u16(uint16_t(channels * 2)), u16(16);
  out.write("data", 4), u32(bytes);
  for (int i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c) u16(uint16_t(int16_t(3000 * ((i / 20) % 2 ? 1 : -1))));
}

TEST_F(RenderTest, Mp4WithAudioAndCsv) {
  std::string out = (dir_ / "out.mp4").string();
  auto r = run({kBinary, "render", "--set", set_, "--audio", track_, "-o", out, "--fps", "10", "--from", "1", "--to", "3"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("20 frames"), std::string::npos) << r.output;
  EXPECT_EQ(lines(out + ".csv"), 21u);  // header + one row per frame
  // The drums by kind and the section, by name at the end of each row.
  std::ifstream csv(out + ".csv");
  std::string header, row;
  std::getline(csv, header);
  std::vector<std::string> names;
  std::stringstream headerCells(header);
  for (std::string cell; std::getline(headerCells, cell, ',');) names.push_back(cell);
  ASSERT_GE(names.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(names.end() - 5, names.end()),
            (std::vector<std::string>{"kick", "snare", "hat", "section", "drop_in_bars"}));
  int kicks = 0;
  while (std::getline(csv, row)) {
    std::vector<std::string> cells;
    std::stringstream rowCells(row);
    for (std::string cell; std::getline(rowCells, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), names.size()) << row;
    kicks += std::stoi(cells[names.size() - 5]);
    EXPECT_TRUE(cells[names.size() - 2] == "none" || cells[names.size() - 2] == "buildup" ||
                cells[names.size() - 2] == "drop" || cells[names.size() - 2] == "breakdown")
        << row;
  }
  std::printf("kicks in 1-3 s of the demo track at 10 fps: %d frames\n", kicks);
  // The demo track's kick falls every 0.48 s (1.47, 1.95, 2.44, 2.92 s here).
  EXPECT_GE(kicks, 3);
  EXPECT_LE(kicks, 4);
  auto probe = run({"ffprobe", "-hide_banner", "-show_entries", "stream=codec_name,width", "-of", "csv=p=0", out});
  EXPECT_NE(probe.output.find("h264,64"), std::string::npos) << probe.output;
  EXPECT_NE(probe.output.find("aac"), std::string::npos) << probe.output;
}

TEST_F(RenderTest, PngFramesIntoAFolder) {
  fs::path out = dir_ / "frames";
  auto r = run({kBinary, "render", "--set", set_, "--audio", track_, "-o", out.string(), "--fps", "5", "--to", "1",
                "--size", "64x96"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_TRUE(fs::exists(out / "frame_000000.png"));
  EXPECT_TRUE(fs::exists(out / "frame_000004.png"));
  EXPECT_FALSE(fs::exists(out / "frame_000005.png"));
  EXPECT_EQ(lines(out / "frames.csv"), 6u);
}

TEST_F(RenderTest, BrokenSetAndMissingTrackExitOneNamingTheFile) {
  std::ofstream(set_, std::ios::app) << "\n[[mapping]]\nsource = \"low\"\ntarget = \"zom\"\n";
  auto broken = run({kBinary, "render", "--set", set_, "--audio", track_, "-o", (dir_ / "x.mp4").string()});
  EXPECT_EQ(broken.exitCode, 1) << broken.output;
  EXPECT_NE(broken.output.find("tiny.toml:"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("zoom"), std::string::npos) << broken.output;  // did you mean
  auto missing = run({kBinary, "render", "--set", set_, "--audio", "/nonexistent.wav", "-o", (dir_ / "y.mp4").string()});
  EXPECT_EQ(missing.exitCode, 1) << missing.output;
}

TEST_F(RenderTest, ShellCharactersInNamesAreOnlyNames) {
  // Run by a shell, either name would create "injected" in dir_.
  std::string audio = "track$(touch injected).wav", out = "show$(touch injected)`touch injected`.mp4";
  fs::copy_file(track_, dir_ / audio);
  auto r = render({"--audio", audio, "-o", out});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "injected"));
  EXPECT_GT(fs::file_size(dir_ / out), 0u);
  EXPECT_EQ(partialFiles(), 0u);
}

TEST_F(RenderTest, OutputStartingWithADashIsAFileNotAnOption) {
  auto r = render({"--audio", track_, "-o", "-y.mp4"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto probe = run({"ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                    "file:" + (dir_ / "-y.mp4").string()});
  EXPECT_NE(probe.output.find("h264"), std::string::npos) << probe.output;
}

TEST_F(RenderTest, FfmpegFailingKeepsThePreviousVideoAndSaysWhy) {
  fs::path wide = dir_ / "wide.wav", out = dir_ / "show.mp4";
  writeWideWav(wide, 255, 8000, 4000);
  std::ofstream(out) << "the good video of yesterday";
  auto r = render({"--audio", wide.string(), "-o", out.string()});
  EXPECT_NE(r.exitCode, 0) << r.output;
  EXPECT_NE(r.exitCode, 141) << "died of SIGPIPE";
  EXPECT_NE(r.output.find("ffmpeg"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(".log"), std::string::npos) << "the message names ffmpeg's log: " << r.output;
  EXPECT_EQ(r.output.find("frames in"), std::string::npos) << "no success line: " << r.output;
  EXPECT_EQ(contents(out), "the good video of yesterday");
  EXPECT_EQ(partialFiles(), 0u);
}

TEST_F(RenderTest, VideoNameThatIsAFolderIsAnErrorAndTheFolderStays) {
  fs::create_directories(dir_ / "old.mp4");
  std::ofstream(dir_ / "old.mp4" / "keep.txt") << "keep";
  auto r = render({"--audio", track_, "-o", (dir_ / "old.mp4").string()});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("old.mp4"), std::string::npos) << r.output;
  EXPECT_EQ(contents(dir_ / "old.mp4" / "keep.txt"), "keep");
}

TEST_F(RenderTest, OutputsNamingAnInputAreRefusedAndTheInputIsUntouched) {
  std::string before = contents(track_);
  auto csv = render({"--audio", track_, "-o", "a.mp4", "--csv", "./demo.wav"});
  EXPECT_EQ(csv.exitCode, 1) << csv.output;
  EXPECT_NE(csv.output.find("--csv"), std::string::npos) << csv.output;
  fs::create_hard_link(track_, dir_ / "same.wav");  // another name, the same inode
  auto linked = render({"--audio", track_, "-o", "b.mp4", "--csv", "same.wav"});
  EXPECT_EQ(linked.exitCode, 1) << linked.output;
  auto video = render({"--audio", track_, "-o", "b.mp4", "--csv", "b.mp4"});
  EXPECT_EQ(video.exitCode, 1) << video.output;
  auto set = render({"--audio", track_, "-o", "c", "--csv", set_});
  EXPECT_EQ(set.exitCode, 1) << set.output;
  EXPECT_EQ(contents(track_), before);
  EXPECT_FALSE(fs::exists(dir_ / "a.mp4"));
  EXPECT_FALSE(fs::exists(dir_ / "b.mp4"));
}

TEST_F(RenderTest, NonFiniteNumbersAndNoFramesAreErrors) {
  std::string out = (dir_ / "n.mp4").string();
  for (const char* option : {"--to", "--fps", "--from"}) {
    auto r = run({kBinary, "render", "--set", set_, "--audio", track_, "-o", out, option, "nan"});
    EXPECT_EQ(r.exitCode, 64) << option << ": " << r.output;
    EXPECT_NE(r.output.find(option), std::string::npos) << r.output;
  }
  EXPECT_EQ(run({kBinary, "render", "--set", set_, "--audio", track_, "-o", out, "--fps", "inf"}).exitCode, 64);
  EXPECT_EQ(run({kBinary, "render", "--set", set_, "--audio", track_, "-o", out, "--fps", "0"}).exitCode, 64);
  auto none = run({kBinary, "render", "--set", set_, "--audio", track_, "-o", out, "--fps", "10", "--from", "1",
                   "--to", "1.05"});
  EXPECT_EQ(none.exitCode, 1) << none.output;
  EXPECT_NE(none.output.find("no frame"), std::string::npos) << none.output;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace afterimage
