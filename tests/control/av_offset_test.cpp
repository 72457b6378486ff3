// The A/V offset through `afterimage render`: with the visuals 100 ms
// ahead (one frame at 10 fps), each frame shows what the frame after it
// shows without an offset: the same hops' features, the same beat phase and
// flash. The set's av_offset_ms and --av-offset do the same; an offset out
// of range is a usage error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run_command.h"
#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;

using Rows = std::vector<std::vector<std::string>>;

Rows readCsv(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  Rows rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cellsIn(line);
    for (std::string cell; std::getline(cellsIn, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// rms_dbfs .. beat_phase (the frame's features), and strobe: the columns a
// frame takes from the music it shows.
std::vector<std::string> musicColumns(const std::vector<std::string>& row) {
  std::vector<std::string> out(row.begin() + 3, row.begin() + 16);
  out.push_back(row[20]);
  return out;
}

class AvOffset : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::uniqueTempPath("av_offset");
    fs::create_directories(dir_);
    track_ = (dir_ / "demo.wav").string();
    ASSERT_EQ(testing::runCommand({AFTERIMAGE_BINARY, "demo-track", "-o", track_}).exitCode, 0);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string writeSet(const std::string& name, const std::string& top) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << top << "model = \"" AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline\"\n"
                                  "size = [64, 64]\n\n[[scene]]\nprompt = \"a misty forest\"\n\n"
                                  "[[trigger]]\non = \"beat\"\naction = \"pulse\"\ntarget = \"strobe\"\n";
    return path;
  }
  Rows render(const std::string& set, const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {AFTERIMAGE_BINARY, "render", "--set", set, "--audio", track_, "-o",
                                     (dir_ / name).string(), "--fps", "10", "--from", "5", "--to", "8", "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto result = testing::runCommand(argv);
    EXPECT_EQ(result.exitCode, 0) << result.output;
    return readCsv(dir_ / name / "frames.csv");
  }

  fs::path dir_;
  std::string track_;
};

TEST_F(AvOffset, VisualsAheadByAFrameShowTheNextFramesMusic) {
  std::string plainSet = writeSet("plain.toml", ""), aheadSet = writeSet("ahead.toml", "av_offset_ms = 100\n");
  Rows plain = render(plainSet, "plain");
  Rows fromSet = render(aheadSet, "set");
  Rows fromOption = render(plainSet, "option", {"--av-offset", "100"});
  ASSERT_EQ(plain.size(), 30u);
  ASSERT_EQ(fromSet.size(), 30u);
  ASSERT_EQ(fromOption.size(), 30u);
  int beats = 0;
  for (size_t n = 1; n + 1 < plain.size(); ++n) {
    EXPECT_EQ(musicColumns(fromSet[n]), musicColumns(plain[n + 1])) << "frame " << n;
    EXPECT_EQ(musicColumns(fromOption[n]), musicColumns(fromSet[n])) << "frame " << n;
    beats += plain[n + 1][12] == "1";
  }
  EXPECT_GE(beats, 4) << "the excerpt should hold beats for the comparison to mean something";
  // The video's own clock is unchanged: frame n is still at n / fps.
  EXPECT_EQ(fromSet[5][1], plain[5][1]);
}

TEST_F(AvOffset, AnOffsetOutOfRangeIsAUsageError) {
  std::string set = writeSet("plain.toml", "");
  auto result = testing::runCommand({AFTERIMAGE_BINARY, "render", "--set", set, "--audio", track_, "-o",
                                     (dir_ / "x").string(), "--av-offset", "5000"});
  EXPECT_EQ(result.exitCode, 64) << result.output;
  EXPECT_NE(result.output.find("--av-offset must be in [-2000, 2000] ms"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace afterimage
