// The demo's done-criterion: sets/default.toml on the default model, rendered
// through the CLI over a piece of the synthesized demo track (drums, then
// its silent passage), changes with the attacks and rests in the silence.
// Also the measures themselves, on frames whose answers are known.
#include "engine/pipeline/reaction.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "audio/beat_evaluation.h"
#include "audio/music_synth.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_path.h"

namespace afterimage::pipeline {
namespace {

namespace fs = std::filesystem;

TEST(Reaction, CorrelationAndBeatAndSilenceMeans) {
  // 10 fps; change = 2 * onset strength; beats at 0.25 and 0.5 catch the
  // frames at 0.3 and 0.5 in their 70 ms.
  std::vector<RenderedFrame> frames;
  for (int i = 0; i < 10; ++i) {
    double onset = i % 3 == 0 ? 0.4 : 0.05;
    frames.push_back({0.1 * i, onset, 2 * onset});
  }
  frames[0].visualChange = 0;  // the first frame: not measured
  Reaction r = measureReaction(frames, std::vector<double>{0.25, 0.5, 5.0}, 0.7, 0.9);
  EXPECT_EQ(r.frames, 9u);
  EXPECT_NEAR(r.correlation, 1.0, 1e-12);
  EXPECT_EQ(r.beatFrames, 2u);
  EXPECT_NEAR(r.onBeats, (0.8 + 0.1) / 2, 1e-12);
  EXPECT_EQ(r.silentFrames, 2u);  // 0.7 and 0.8
  EXPECT_NEAR(r.inSilence, (0.1 + 0.1) / 2, 1e-12);
  EXPECT_NEAR(r.silenceShare(), 0.1 / 0.45, 1e-12);
  Reaction wide = measureReaction(frames, std::vector<double>{0.2}, 0.7, 0.9, 0.15);  // frames 0.2 and 0.3
  EXPECT_EQ(wide.beatFrames, 2u);
  EXPECT_NEAR(wide.onBeats, (0.1 + 0.8) / 2, 1e-12);

  for (auto& f : frames) f.visualChange = 1 - f.onsetStrength;  // against the music
  EXPECT_NEAR(measureReaction(frames, std::vector<double>{0.25}, 0.7, 0.9).correlation, -1.0, 1e-12);
  EXPECT_THROW(measureReaction(frames, std::vector<double>{0.0}, 0.7, 0.9), std::invalid_argument);  // only frame 0
  EXPECT_THROW(measureReaction(frames, std::vector<double>{0.25}, 2, 3), std::invalid_argument);
}

TEST(Reaction, FlickerIsTheChangeInTheQuietFramesAndBeatsAreWeighedAgainstOffBeats) {
  // 10 fps, 20 frames: an attack every 4th frame (strength 0.4), a release
  // frame after it (0.1), and frames without one (0.0 and 0.02): the lower
  // quartile of the 19 measured onsets is 0.0, so the quiet frames are
  // the 0.0 ones; they shimmer by 0.01 and 0.03 in turn.
  std::vector<RenderedFrame> frames;
  for (int i = 0; i < 20; ++i) {
    double onset = i % 4 == 0 ? 0.4 : i % 4 == 1 ? 0.1 : i % 4 == 2 ? 0.0 : 0.02;
    double change = i % 4 == 0 ? 0.2 : i % 4 == 1 ? 0.08 : i % 8 == 2 ? 0.01 : i % 4 == 2 ? 0.03 : 0.05;
    frames.push_back({0.1 * i, onset, change});
  }
  std::vector<double> beats{0.4, 0.8, 1.2, 1.6};  // the attacks' frames
  Reaction r = measureReaction(frames, beats, 1.3, 1.5);
  EXPECT_DOUBLE_EQ(r.quietOnset, 0.0);
  EXPECT_EQ(r.quietFrames, 5u);  // frames 2, 6, 10, 14, 18
  EXPECT_NEAR(r.flicker, (0.01 + 0.03 + 0.01 + 0.03 + 0.01) / 5, 1e-12);
  EXPECT_EQ(r.beatFrames, 4u);
  EXPECT_NEAR(r.onBeats, 0.2, 1e-12);
  EXPECT_EQ(r.offBeatFrames, 15u);  // frame 0 is not measured
  EXPECT_NEAR(r.offBeats, (5 * 0.08 + 0.09 + 5 * 0.05) / 15, 1e-12);
  EXPECT_NEAR(r.beatRatio(), 0.2 / r.offBeats, 1e-12);
  // A beat the set answers where nothing is heard (a breakdown): reaction, not flicker.
  Reaction breakdown = measureReaction(frames, std::vector<double>{0.4, 0.6, 0.8, 1.2, 1.6}, 1.3, 1.5);
  EXPECT_EQ(breakdown.quietFrames, 4u);  // frame 6 is on a beat now
  EXPECT_NEAR(breakdown.flicker, (0.01 + 0.01 + 0.03 + 0.01) / 4, 1e-12);

  // A steadier render of the same music: the quiet frames settle, the attacks stay.
  for (auto& f : frames)
    if (f.onsetStrength == 0.0) f.visualChange = 0.002;
  Reaction steadier = measureReaction(frames, beats, 1.3, 1.5);
  EXPECT_NEAR(steadier.flicker, 0.002, 1e-12);
  EXPECT_GT(steadier.beatRatio(), r.beatRatio());
  EXPECT_THROW(measureReaction(frames, std::vector<double>{-1.0}, 1.3, 1.5), std::invalid_argument);  // no beat frame
}

TEST(Reaction, ATrackWithoutASilentPassageIsMeasuredWithoutOne) {
  std::vector<RenderedFrame> frames;
  for (int i = 0; i < 10; ++i) frames.push_back({0.1 * i, i % 2 ? 0.4 : 0.0, i % 2 ? 0.2 : 0.05});
  Reaction r = measureReaction(frames, std::vector<double>{0.1, 0.3, 0.5, 0.7, 0.9}, 0, 0);
  EXPECT_EQ(r.silentFrames, 0u);
  EXPECT_EQ(r.beatFrames, 5u);
  EXPECT_NEAR(r.beatRatio(), 0.2 / 0.05, 1e-12);
  // A silent passage past the end of the render.
  EXPECT_THROW(measureReaction(frames, std::vector<double>{0.1}, 5, 6), std::invalid_argument);
}

TEST(Reaction, ReadsTheRenderCsvByColumnNameAndNamesTheBadLine) {
  fs::path file = testing::uniqueTempPath("reaction.csv");
  std::ofstream(file) << "frame,time,onset_strength,x,visual_change\n0,0.0,0.1,7,0\n1,0.0333,0.3,7,0.25\n";
  auto frames = readRenderCsv(file.string());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_DOUBLE_EQ(frames[1].time, 0.0333);
  EXPECT_DOUBLE_EQ(frames[1].onsetStrength, 0.3);
  EXPECT_DOUBLE_EQ(frames[1].visualChange, 0.25);
  std::ofstream(file, std::ios::app) << "2,0.0667,oops,7,0.1\n";
  try {
    readRenderCsv(file.string());
    ADD_FAILURE() << "a malformed row was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":4: column 'onset_strength'"), std::string::npos) << e.what();
  }
  std::ofstream(file) << "frame,time,visual_change\n";
  EXPECT_THROW(readRenderCsv(file.string()), std::runtime_error);
  fs::remove(file);
}

// The render starts in the breakdown's last half second (the first frames
// settle from noise while the music is calm), then drums from 8 s and the
// silence from 11 s to 13 s. 64x64 at 30 fps keeps it short on lavapipe.
TEST(Reaction, DefaultSetOnTheDemoTrackChangesOnBeatsAndRestsInSilence) {
  fs::path dir = testing::uniqueTempPath("reaction");
  fs::create_directories(dir);
  const std::string binary = AFTERIMAGE_BINARY, track = (dir / "demo.wav").string(),
                    csv = (dir / "demo.csv").string();
  auto made = testing::runCommand({binary, "demo-track", "-o", track});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  auto rendered = testing::runCommand({binary, "render", "--set", AFTERIMAGE_SOURCE_DIR "/sets/default.toml", "--audio",
                                       track, "-o", (dir / "demo.mp4").string(), "--csv", csv, "--size", "64x64",
                                       "--fps", "30", "--from", "7.5", "--to", "13", "--quiet"});
  ASSERT_EQ(rendered.exitCode, 0) << rendered.output;
  std::printf("%s", rendered.output.c_str());

  auto spec = audio::demoTrack();
  auto beats = audio::synthesize(spec).beats;
  Reaction r = measureReaction(readRenderCsv(csv), beats, spec.silenceFrom, spec.silenceTo);
  std::printf("correlation of visual change with onset strength over %zu frames: %.3f (must be > 0.5)\n", r.frames,
              r.correlation);
  std::printf("mean visual change: %.4f in %zu frames on beats, %.4f in %zu silent frames: %.1f%% (must be < 20%%)\n",
              r.onBeats, r.beatFrames, r.inSilence, r.silentFrames, 100 * r.silenceShare());
  EXPECT_GE(r.beatFrames, 10u);
  EXPECT_GE(r.silentFrames, 59u);
  EXPECT_GT(r.correlation, 0.5);
  EXPECT_LT(r.silenceShare(), 0.2);
  fs::remove_all(dir);
}

TEST(SynthTrack, EveryPatternNamedInMessagesIsOne) {
  std::string names = audio::kPatternNames;
  size_t count = 0;
  for (size_t at = 0; at < names.size();) {
    size_t end = names.find(", ", at);
    if (end == std::string::npos) end = names.size();
    EXPECT_TRUE(audio::isPatternName(names.substr(at, end - at))) << names.substr(at, end - at);
    ++count, at = end + 2;
  }
  EXPECT_EQ(count, 12u);
  EXPECT_FALSE(audio::isPatternName("polka"));
}

// Rock at 120 BPM rendered at 12 fps: every beat falls exactly on a frame.
// The frame shown at each beat answers it (the renderer makes up the
// analyzer's detection delay, the conductor the clock's few milliseconds):
// answered a frame later, 83 ms after the beat, the changes all fell off
// the beats (0.20x before). Also synth-track and its beat file.
TEST(Reaction, DefaultSetAnswersBeatsThatFallExactlyOnFrames) {
  fs::path dir = testing::uniqueTempPath("reaction_rock");
  fs::create_directories(dir);
  const std::string binary = AFTERIMAGE_BINARY, track = (dir / "rock.wav").string(),
                    beatsFile = (dir / "rock.beats").string(), csv = (dir / "rock.csv").string();
  auto made = testing::runCommand({binary, "synth-track", "--pattern", "rock", "--bpm", "120", "--seconds", "8", "-o",
                                   track, "--beats", beatsFile});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  auto rendered = testing::runCommand({binary, "render", "--set", AFTERIMAGE_SOURCE_DIR "/sets/default.toml", "--audio",
                                       track, "-o", (dir / "rock.mp4").string(), "--csv", csv, "--size", "64x64",
                                       "--fps", "12", "--from", "3", "--quiet"});
  ASSERT_EQ(rendered.exitCode, 0) << rendered.output;
  auto beats = audio::readBeatAnnotations(beatsFile);
  ASSERT_EQ(beats.size(), 16u);
  EXPECT_DOUBLE_EQ(beats[1], 0.5);
  Reaction r = measureReaction(readRenderCsv(csv), beats, 0, 0);
  std::printf("%zu frames on beats, %zu off: change %.4f against %.4f, %.2fx; correlation %.3f\n", r.beatFrames,
              r.offBeatFrames, r.onBeats, r.offBeats, r.beatRatio(), r.correlation);
  EXPECT_GE(r.beatFrames, 9u);
  EXPECT_GT(r.beatRatio(), 2.5);  // 3.9x on lavapipe
  EXPECT_GT(r.correlation, 0.5);

  auto unknown = testing::runCommand({binary, "synth-track", "--pattern", "polka", "-o", track});
  EXPECT_EQ(unknown.exitCode, 64) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown pattern 'polka'"), std::string::npos) << unknown.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace afterimage::pipeline
