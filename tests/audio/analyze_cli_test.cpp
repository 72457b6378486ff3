// `afterimage analyze`: beats, predicted beats with their prediction time,
// onsets and the feature CSV of a synthesized file; usage errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "audio/file_source.h"
#include "music_synth.h"
#include "tests/support/temp_path.h"
#include "tests/support/run_command.h"

namespace afterimage::audio::testing {
namespace {

using afterimage::testing::CommandResult;

CommandResult run(const std::vector<std::string>& argv) { return afterimage::testing::runCommand(argv); }

class AnalyzeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TrackSpec spec = beatSet()[1];  // rock 96
    spec.seconds = 12;
    track_ = synthesize(spec);
    path_ = afterimage::testing::uniqueTempPath("analyze_cli.wav").string();
    writeMonoWav(path_, track_.samples, track_.sampleRate);
  }
  static void TearDownTestSuite() { std::filesystem::remove(path_); }
  static inline LabelledTrack track_;
  static inline std::string path_;
  const std::string binary_ = AFTERIMAGE_BINARY;
};

TEST_F(AnalyzeCli, BeatsAreOnePerLineAndMatchTheLabels) {
  auto r = run({binary_, "analyze", path_});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  std::istringstream in(r.output);
  std::vector<double> beats;
  double t;
  while (in >> t) beats.push_back(t);
  Score s = fMeasure(beats, track_.beats, 0.07, 5);
  std::printf("CLI beats F %.3f\n", s.fMeasure);
  EXPECT_GE(s.fMeasure, 0.9);
}

TEST_F(AnalyzeCli, LookaheadPrintsWhenEachBeatWasPredicted) {
  auto r = run({binary_, "analyze", path_, "--beats", "--lookahead", "60"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  std::istringstream in(r.output);
  double beat, predictedAt;
  int lines = 0;
  while (in >> beat >> predictedAt) {
    ++lines;
    EXPECT_GE(beat - predictedAt, 0.060 - 1e-6) << beat;
  }
  EXPECT_GT(lines, 10);
}

TEST_F(AnalyzeCli, OnsetsAndFeatures) {
  auto onsets = run({binary_, "analyze", path_, "--onsets"});
  ASSERT_EQ(onsets.exitCode, 0) << onsets.output;
  EXPECT_GT(std::count(onsets.output.begin(), onsets.output.end(), '\n'), 20);
  auto features = run({binary_, "analyze", path_, "--features"});
  ASSERT_EQ(features.exitCode, 0);
  EXPECT_EQ(features.output.rfind("time,rms,", 0), 0u);
  size_t hops = size_t(std::count(features.output.begin(), features.output.end(), '\n')) - 1;
  EXPECT_EQ(hops, (track_.samples.size() + 255) / 256);
}

TEST_F(AnalyzeCli, UsageErrors) {
  EXPECT_EQ(run({binary_, "analyze"}).exitCode, 64);
  EXPECT_EQ(run({binary_, "analyze", path_, "--beats", "--onsets"}).exitCode, 64);
  EXPECT_EQ(run({binary_, "analyze", path_, "--lookahead", "soon"}).exitCode, 64);
  auto missing = run({binary_, "analyze", "/nonexistent.wav"});
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.output.find("/nonexistent.wav"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace afterimage::audio::testing
