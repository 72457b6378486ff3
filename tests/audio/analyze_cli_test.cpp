// `afterimage analyze`: beats, predicted beats with their prediction time,
// onsets and the feature CSV of a synthesized file; usage errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
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

// evaluate-beats over a folder of one annotated clip, as it is and
// resampled to the rates a show's interface delivers: the mean F of the
// summary line (the synthesized rock scores over 0.9 at any of them), and
// with the beats numbered in the bar, the downbeats' F (its chords change
// on the downbeat; 24 s, so that the bar count has settled for a dozen
// bars after the first 5 s) and the bar length.
TEST_F(AnalyzeCli, EvaluateBeatsScoresAFolderAtTheRateAsked) {
  auto folder = afterimage::testing::uniqueTempPath("evaluate_beats_cli");
  std::filesystem::create_directories(folder / "rock");
  TrackSpec spec = beatSet()[1];  // rock 96
  spec.seconds = 24;
  LabelledTrack track = synthesize(spec);
  writeMonoWav((folder / "rock" / "clip.wav").string(), track.samples, track.sampleRate);
  {
    std::ofstream beats(folder / "rock" / "clip.beats");
    for (size_t i = 0; i < track.beats.size(); ++i) beats << track.beats[i] << "\t" << (i % 4 + 1) << "\n";
  }
  for (std::string rate : {"", "22050", "48000"}) {
    std::vector<std::string> argv = {binary_, "evaluate-beats", folder.string()};
    if (!rate.empty()) argv.insert(argv.end(), {"--rate", rate});
    auto r = run(argv);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    auto mean = r.output.find("MEAN");
    ASSERT_NE(mean, std::string::npos) << r.output;
    std::istringstream line(r.output.substr(mean));
    std::string label, clips, word;
    double f = 0, lookahead = 0, cmlt = 0, amlt = 0, downbeatF = 0;
    line >> label >> clips >> word >> f >> lookahead >> cmlt >> amlt >> downbeatF;
    EXPECT_GE(f, 0.9) << "--rate " << rate << "\n" << r.output;
    EXPECT_GE(downbeatF, 0.8) << "--rate " << rate << "\n" << r.output;
    EXPECT_NE(r.output.find("bar length right 1/1"), std::string::npos) << r.output;
  }
  EXPECT_EQ(run({binary_, "evaluate-beats", folder.string(), "--rate", "5"}).exitCode, 64);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace afterimage::audio::testing
