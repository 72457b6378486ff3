// The beat-evaluation metrics on hand-made beat lists whose scores are known.
#include <gtest/gtest.h>

#include <filesystem>
#include <cmath>
#include <fstream>

#include "audio/beat_evaluation.h"
#include "audio/music_synth.h"

namespace afterimage::audio {
namespace {

// Beats every `period` seconds from `first` to `last`.
std::vector<double> grid(double first, double period, double last) {
  std::vector<double> beats;
  for (double t = first; t <= last + 1e-9; t += period) beats.push_back(t);
  return beats;
}

const std::vector<double> kAnnotated = grid(0.25, 0.5, 30);  // 120 BPM

TEST(BeatEvaluation, ExactBeatsScoreOne) {
  EXPECT_DOUBLE_EQ(beatFMeasure(kAnnotated, kAnnotated).fMeasure, 1.0);
  ContinuityScore c = beatContinuity(kAnnotated, kAnnotated);
  EXPECT_NEAR(c.cmlt, 1.0, 0.03);  // the first beat after 5 s has no interval to judge
  EXPECT_NEAR(c.amlt, 1.0, 0.03);
  EXPECT_EQ(metricalRelation(kAnnotated, kAnnotated), MetricalRelation::Right);
  EXPECT_NEAR(medianBpm(kAnnotated), 120.0, 1e-6);
}

TEST(BeatEvaluation, BeatsOutsideSeventyMillisecondsDoNotMatch) {
  std::vector<double> late = kAnnotated;
  for (double& t : late) t += 0.08;
  EXPECT_DOUBLE_EQ(beatFMeasure(late, kAnnotated).fMeasure, 0.0);
  for (double& t : late) t -= 0.02;  // 60 ms late
  EXPECT_DOUBLE_EQ(beatFMeasure(late, kAnnotated).fMeasure, 1.0);
}

TEST(BeatEvaluation, DoubleTempoHalvesPrecisionAndCountsOnlyAtAllowedLevels) {
  std::vector<double> twice = grid(0.25, 0.25, 30);
  BeatScore s = beatFMeasure(twice, kAnnotated);
  EXPECT_NEAR(s.precision, 0.5, 0.01);
  EXPECT_NEAR(s.recall, 1.0, 1e-9);
  EXPECT_NEAR(s.fMeasure, 2 * 0.5 / 1.5, 0.01);
  ContinuityScore c = beatContinuity(twice, kAnnotated);
  EXPECT_LT(c.cmlt, 0.1);
  EXPECT_GT(c.amlt, 0.95);
  EXPECT_EQ(metricalRelation(twice, kAnnotated), MetricalRelation::Double);
  EXPECT_EQ(metricalRelation(grid(0.25, 1.0, 30), kAnnotated), MetricalRelation::Half);
}

TEST(BeatEvaluation, OffBeatAndThreeToTwoGridsAreNamed) {
  std::vector<double> off = grid(0.5, 0.5, 30);
  EXPECT_DOUBLE_EQ(beatFMeasure(off, kAnnotated).fMeasure, 0.0);
  EXPECT_EQ(metricalRelation(off, kAnnotated), MetricalRelation::OffBeat);
  EXPECT_GT(beatContinuity(off, kAnnotated).amlt, 0.95);
  EXPECT_EQ(metricalRelation(grid(0.25, 0.5 / 1.5, 30), kAnnotated), MetricalRelation::ThreeHalves);
  EXPECT_EQ(metricalRelation(grid(0.25, 0.75, 30), kAnnotated), MetricalRelation::TwoThirds);
}

TEST(BeatEvaluation, AnnotationFilesAreFoundBesideTheirAudioWithTheFolderAsGenre) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / "afterimage_beat_evaluation_test";
  fs::remove_all(root);
  fs::create_directories(root / "jazz");
  std::ofstream(root / "jazz" / "b.wav") << "x";
  std::ofstream(root / "jazz" / "b.beats") << "0.5\t1\n1.0 2\n\n# comment\n1.5\n";
  std::ofstream(root / "a.flac") << "x";
  std::ofstream(root / "a.beats") << "0.25\n";
  std::ofstream(root / "unannotated.wav") << "x";
  std::vector<AnnotatedClip> clips = findAnnotatedClips(root.string());
  ASSERT_EQ(clips.size(), 2u);
  EXPECT_EQ(clips[0].genre, "-");
  EXPECT_EQ(clips[0].name, "a");
  EXPECT_EQ(clips[1].genre, "jazz");
  EXPECT_EQ(readBeatAnnotations(clips[1].beatsPath), (std::vector<double>{0.5, 1.0, 1.5}));
  std::ofstream(root / "a.beats") << "0.25\nbeat\n";
  try {
    readBeatAnnotations((root / "a.beats").string());
    FAIL() << "no error for a line without a time";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a.beats:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(findAnnotatedClips((root / "missing").string()), std::runtime_error);
  fs::remove_all(root);
}

TEST(BeatEvaluation, NumberedBeatsGiveTheDownbeatsAndTheBarLength) {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / "afterimage_numbered.beats";
  // An upbeat, then bars of three (one written 1.0 as some sets do) and a bar of four.
  std::ofstream(file) << "0.2 3\n0.5 1\n1.0 2\n1.5 3\n2.0 1.0\n2.5 2\n3.0 3\n3.5 1\n4.0 2\n4.5 3\n4.8 4\n5.1 1\n";
  BarAnnotations bars = readBarAnnotations(file.string());
  fs::remove(file);
  EXPECT_EQ(bars.downbeats, (std::vector<double>{0.5, 2.0, 3.5, 5.1}));
  EXPECT_EQ(bars.beatsPerBar, 3);
}

TEST(BeatEvaluation, UnnumberedBeatsGiveNoBars) {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / "afterimage_unnumbered.beats";
  std::ofstream(file) << "0.5\n1.0\n1.5\n";
  BarAnnotations bars = readBarAnnotations(file.string());
  fs::remove(file);
  EXPECT_TRUE(bars.downbeats.empty());
  EXPECT_EQ(bars.beatsPerBar, 0);
}

TEST(BeatEvaluation, ABarFileLineWithoutATimeIsAnError) {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / "afterimage_bad_bars.beats";
  std::ofstream(file) << "0.5 1\nx 2\n";
  EXPECT_THROW(readBarAnnotations(file.string()), std::runtime_error);
  fs::remove(file);
}

TEST(BeatEvaluation, WrittenBeatsReadBackToTheMicrosecond) {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / "afterimage_written.beats";
  std::vector<double> beats{0.0, 0.4838709, 12.5, 600.0000004};
  writeBeatAnnotations(file.string(), beats);
  std::vector<double> read = readBeatAnnotations(file.string());
  ASSERT_EQ(read.size(), beats.size());
  for (size_t i = 0; i < beats.size(); ++i) EXPECT_NEAR(read[i], beats[i], 5e-7);
  fs::remove(file);
  EXPECT_THROW(writeBeatAnnotations((fs::temp_directory_path() / "no_such_folder" / "x.beats").string(), beats),
               std::runtime_error);
}

// A synthesized track's beats with their places in the bar, through a file:
// the demo track's silent passage drops beats, and the places after it
// must still be those of the music (the bar goes on through the silence).
TEST(BeatEvaluation, SynthesizedBeatsAreWrittenWithTheirPlacesInTheBar) {
  namespace fs = std::filesystem;
  LabelledTrack track = synthesize(demoTrack());
  ASSERT_EQ(track.beatPlaces.size(), track.beats.size());
  fs::path file = fs::temp_directory_path() / "afterimage_numbered.beats";
  writeBeatAnnotations(file.string(), track.beats, track.beatPlaces);
  BarAnnotations bars = readBarAnnotations(file.string());
  fs::remove(file);
  EXPECT_EQ(bars.beatsPerBar, 4);
  // The demo is house at 124 BPM: its downbeats every four beats from 0 s,
  // those in the silence left out.
  const double bar = 4 * 60.0 / 124;
  ASSERT_FALSE(bars.downbeats.empty());
  for (double t : bars.downbeats) EXPECT_NEAR(std::remainder(t, bar), 0.0, 1e-6) << t;
  EXPECT_LT(bars.downbeats.size(), size_t(16 / bar) + 1) << "the silence's downbeats are left out";
  EXPECT_THROW(writeBeatAnnotations(file.string(), track.beats, {1, 2}), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::audio
