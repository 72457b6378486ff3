// Conductor: a set evaluated against synthetic snapshots of a steady beat
// clock, frame by frame at show times later than the snapshots (pipeline
// latency): pulses on predicted beats, envelopes, curves, beat-locked LFOs,
// scene changes on bar boundaries and cues, seed advances and the noise
// walk; then the real analyzer on a synthesized track.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "audio/analyzer.h"
#include "audio/offline_analysis.h"
#include "engine/pipeline/conductor.h"
#include "engine/pipeline/set_file.h"
#include "music_synth.h"

namespace afterimage::pipeline {
namespace {

constexpr double kLatency = 0.1;  // seconds between a snapshot and the frame it shapes

// What the analyzer says at time t of a steady clock: beats every 60/bpm s
// from `firstBeat`, the beat at `firstBeat` a downbeat.
audio::FeatureSnapshot clockAt(double t, double bpm = 120, int beatsPerBar = 4, double firstBeat = 0) {
  audio::FeatureSnapshot s;
  s.time = t;
  s.bpm = float(bpm);
  s.confidence = 1;
  s.rmsDbfs = -12;
  double period = 60.0 / bpm;
  double beats = (t - firstBeat) / period;
  long long last = (long long)std::floor(beats + 1e-9);
  s.nextBeatTime = firstBeat + std::ceil(beats - 1e-9) * period;
  s.beatPhase = float(beats - double(last));
  s.beatsPerBar = beatsPerBar;
  s.beatInBar = int(((last % beatsPerBar) + beatsPerBar) % beatsPerBar);
  s.barPosition = float((s.beatInBar + s.beatPhase) / beatsPerBar);
  return s;
}

Set setFrom(const std::string& toml) { return parseSet(toml, "test.toml"); }

// Two scenes; a drop cuts to the second, a breakdown back to the first.
const std::string kDropScenes = R"(
[[trigger]]
on = "drop"
action = "scene"
scene = 1
[[trigger]]
on = "breakdown"
action = "scene"
scene = 0
[[scene]]
prompt = "plasma"
[[scene]]
prompt = "tunnel"
)";

// The analyzer's snapshots of a track, one per hop.
std::vector<audio::FeatureSnapshot> analyzed(const audio::testing::LabelledTrack& track) {
  audio::AnalyzerOptions options;
  options.sampleRate = track.sampleRate;
  audio::Analyzer analyzer(options);
  std::vector<audio::FeatureSnapshot> snapshots;
  audio::analyzeSamples(analyzer, track.samples, [&](const audio::FeatureSnapshot& s) { snapshots.push_back(s); });
  return snapshots;
}

// Frames shown from 0.2 s to `seconds` at `fps`, each with the latest
// snapshot heard kLatency before it.
void forEachFrame(const std::vector<audio::FeatureSnapshot>& snapshots, double seconds, double fps,
                  const std::function<void(double show, const audio::FeatureSnapshot&)>& each) {
  size_t next = 0;
  for (double show = 0.2; show < seconds; show += 1 / fps) {
    while (next + 1 < snapshots.size() && snapshots[next + 1].time <= show - kLatency) ++next;
    each(show, snapshots[next]);
  }
}

const std::string kScenes = R"(
[[scene]]
name = "a"
prompt = "plasma:0.5, tunnel:0.5"
seeds = [11, 22, 33]
[scene.params]
brightness = 0
rotate = 0
)";

// A full flash on every beat.
const std::string kStrobeOnBeats = R"(
[[trigger]]
on = "beat"
action = "pulse"
target = "strobe"
amount = 1
decay = 0.02
)";

TEST(Conductor, StrobeOnABeatFiresInTheFrameShownOnThatBeat) {
  Conductor conductor(setFrom(kStrobeOnBeats + kScenes));
  const double fps = 60, start = 1.0037;
  std::vector<double> flashes;
  double previousStrobe = 0, previousShow = 0;
  for (int i = 0; i < 600; ++i) {
    double show = start + i / fps;
    GenParams p = conductor.frame(clockAt(show - kLatency), show);
    if (p.strobe > 0.99) {
      flashes.push_back(show);
      EXPECT_LT(previousStrobe, 0.01) << "the frame before the beat (" << previousShow << " s) is dark";
    }
    previousStrobe = p.strobe, previousShow = show;
  }
  // Beats every 0.5 s from 1.5 to 10.5: each flash in the first frame at or after its beat.
  ASSERT_EQ(flashes.size(), 19u);
  for (size_t k = 0; k < flashes.size(); ++k) {
    double beat = 1.5 + 0.5 * double(k);
    EXPECT_GE(flashes[k], beat - 1e-9);
    EXPECT_LT(flashes[k], beat + 1 / fps) << "flash " << k << " is late";
  }
}

// 120 BPM at 12 fps: every beat falls exactly on a frame, and the beat
// clock puts it a few milliseconds late, as the analyzer does (+2.6 ms mean
// on the synthesized tracks). The frame shown on the beat still flashes,
// once, rather than the next one 83 ms later; so does the bar's.
TEST(Conductor, ABeatDueJustAfterAFrameIsShownInThatFrame) {
  Conductor conductor(setFrom(kStrobeOnBeats + R"(
[[trigger]]
on = "bar"
action = "pulse"
target = "brightness"
amount = 1
decay = 0.02
)" + kScenes));
  const double fps = 12, clockLate = 0.004;
  std::vector<double> flashes, bars;
  for (int i = 0; i < 120; ++i) {
    double show = i / fps;
    GenParams p = conductor.frame(clockAt(show - kLatency, 120, 4, clockLate), show);
    if (p.strobe > 0.99) flashes.push_back(show);
    if (p.brightness > 0.99) bars.push_back(show);
  }
  ASSERT_EQ(flashes.size(), 19u);  // the beats at 0.5 ... 9.5 s
  for (size_t k = 0; k < flashes.size(); ++k) EXPECT_NEAR(flashes[k], 0.5 * double(k + 1), 1e-9) << "flash " << k;
  ASSERT_EQ(bars.size(), 4u);  // the downbeats at 2, 4, 6 and 8 s
  for (size_t k = 0; k < bars.size(); ++k) EXPECT_NEAR(bars[k], 2.0 * double(k + 1), 1e-9) << "bar " << k;
}

TEST(Conductor, PulseDecaysFromThePredictedBeatTime) {
  Conductor conductor(setFrom(R"(
[[trigger]]
on = "beat"
action = "pulse"
target = "zoom"
amount = 0.2
decay = 0.1
)" + kScenes));
  // Frames at 10 fps, 0.03 s after each beat: the frame after the firing one
  // is 0.13 s past the beat.
  GenParams p;
  for (double show = 0.93; show < 1.64; show += 0.1) conductor.frame(clockAt(show - kLatency), show, p);
  // Last frame at 1.63: the beat at 1.5 fired in the frame at 1.53.
  EXPECT_NEAR(p.zoom, 1.0 + 0.2 * std::exp(-0.13 / 0.1), 1e-5);
}

TEST(Conductor, EnvelopeRisesWithTheAttackAndFallsWithTheRelease) {
  Conductor conductor(setFrom(R"(
[[mapping]]
source = "low"
target = "brightness"
attack = 0.1
release = 0.5
)" + kScenes));
  audio::FeatureSnapshot s = clockAt(0);
  s.bands[audio::Low] = 0;
  GenParams p;
  conductor.frame(s, 0.0, p);
  s.bands[audio::Low] = 1;
  double t = 0;
  for (int i = 1; i <= 10; ++i) conductor.frame(s, t = i * 0.01, p);
  EXPECT_NEAR(p.brightness, 1 - std::exp(-1.0), 1e-5) << "one attack time in";
  for (int i = 11; i <= 100; ++i) conductor.frame(s, t = i * 0.01, p);
  double top = p.brightness;
  EXPECT_NEAR(top, 1 - std::exp(-10.0), 1e-4);
  s.bands[audio::Low] = 0;
  for (int i = 101; i <= 150; ++i) conductor.frame(s, t = i * 0.01, p);
  EXPECT_NEAR(p.brightness, top * std::exp(-1.0), 1e-5) << "one release time after the drop";
}

TEST(Conductor, MappingNormalisesShapesScalesClampsAndCombines) {
  auto evaluate = [](const std::string& mapping, double rmsDb) {
    Conductor conductor(setFrom("[[mapping]]\nsource = \"rms_db\"\ninput = [-60, 0]\n" + mapping + kScenes));
    audio::FeatureSnapshot s = clockAt(0);
    s.rmsDbfs = float(rmsDb);
    return conductor.frame(s, 0.0);
  };
  EXPECT_NEAR(evaluate("target = \"brightness\"\n", -30).brightness, 0.5, 1e-6) << "linear";
  EXPECT_NEAR(evaluate("target = \"brightness\"\n", -90).brightness, 0.0, 1e-6) << "below the input range";
  EXPECT_NEAR(evaluate("target = \"brightness\"\ncurve = \"smoothstep\"\n", -45).brightness, 0.15625, 1e-6);
  EXPECT_NEAR(evaluate("target = \"brightness\"\ncurve = \"exp\"\n", -30).brightness,
              (std::exp(2.0) - 1) / (std::exp(4.0) - 1), 1e-6);
  EXPECT_NEAR(evaluate("target = \"brightness\"\ncurve = \"log\"\n", -30).brightness,
              std::log1p((std::exp(4.0) - 1) * 0.5) / 4, 1e-6);
  EXPECT_NEAR(evaluate("target = \"brightness\"\ngain = 2\noffset = 0.25\n", -30).brightness, 1.25, 1e-6);
  EXPECT_NEAR(evaluate("target = \"brightness\"\ngain = 2\nclamp = [0, 0.8]\n", -30).brightness, 0.8, 1e-6);
  // The scene's saturation is 1: multiply by 0.5 + 0.5 * 0.5.
  EXPECT_NEAR(evaluate("target = \"saturation\"\ngain = 0.5\noffset = 0.5\ncombine = \"multiply\"\n", -30).saturation,
              0.75, 1e-6);
  EXPECT_NEAR(evaluate("target = \"strength\"\ncombine = \"replace\"\ngain = 0.5\n", 0).strength, 0.5, 1e-6);
  EXPECT_NEAR(evaluate("target = \"prompt.1.weight\"\n", -30).prompts[1].weight, 1.0, 1e-6);
  EXPECT_NEAR(evaluate("target = \"strength\"\ngain = 5\n", 0).strength, 1.0, 1e-6) << "clamped to the parameter's range";
}

TEST(Conductor, LfoPhaseLocksToTheBarsOfTheBeatClock) {
  // Beats every 0.5 s from 0.2; the clock counts its first beat as beat 2 of
  // a bar, so bars start at 1.2, 3.2, 5.2...
  Conductor conductor(setFrom(R"(
[[lfo]]
wave = "saw"
period = 4
depth = 1
target = "rotate"
)" + kScenes));
  auto snapshot = [](double t) {
    audio::FeatureSnapshot s = clockAt(t, 120, 4, 0.2);
    s.beatInBar = (s.beatInBar + 2) % 4;
    return s;
  };
  for (double show = 0.55; show < 9; show += 1.0 / 30) {
    GenParams p = conductor.frame(snapshot(show - kLatency), show);
    double barPhase = std::fmod(show - 1.2 + 20, 2.0) / 2.0;
    ASSERT_NEAR(p.rotate, std::clamp(2 * barPhase - 1, -1.0, 1.0), 1e-4) << "at " << show << " s";
  }
}

TEST(Conductor, FreeRunsAtTheSetTempoWithoutABeatClock) {
  Conductor conductor(setFrom("bpm = 90\n[[lfo]]\nwave = \"saw\"\nperiod = 1\ndepth = 1\ntarget = \"rotate\"\n" + kScenes));
  audio::FeatureSnapshot none;  // no tempo yet
  GenParams p;
  conductor.frame(none, 10.0, p);
  EXPECT_NEAR(p.rotate, -1.0, 1e-6);
  conductor.frame(none, 10.0 + 0.25 * 60 / 90, p);
  EXPECT_NEAR(p.rotate, -0.5, 1e-6) << "a quarter beat at 90 bpm";
}

TEST(Conductor, SceneSequenceChangesExactlyOnBarBoundaries) {
  std::string scenes;
  for (int i = 0; i < 3; ++i) scenes += "[[scene]]\nprompt = \"s" + std::to_string(i) + "\"\n";
  Conductor conductor(setFrom("[sequence]\nbars = 2\nscenes = [0, 2, 1]\n" + scenes));
  // 120 bpm in 4/4: a bar is 2 s, so the scene changes at 4, 8, 12 s.
  int previous = -1;
  std::vector<std::pair<double, int>> changes;
  for (int i = 0; i < 60 * 14; ++i) {
    double show = 0.01 + i / 60.0;
    GenParams p = conductor.frame(clockAt(show - kLatency), show);
    if (p.scene != previous) changes.push_back({show, p.scene});
    previous = p.scene;
  }
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].second, 0);
  int expected[] = {2, 1, 0};
  for (int k = 0; k < 3; ++k) {
    double bar = 4.0 * (k + 1);
    EXPECT_EQ(changes[size_t(k) + 1].second, expected[k]);
    EXPECT_GE(changes[size_t(k) + 1].first, bar - 1e-9);
    EXPECT_LT(changes[size_t(k) + 1].first, bar + 1 / 60.0) << "change " << k << " is late";
  }
}

TEST(Conductor, CueSwitchesAtTheNextBarOrAtOnce) {
  Conductor conductor(setFrom("[[scene]]\nprompt = \"a\"\n[[scene]]\nprompt = \"b\"\n[[scene]]\nprompt = \"c\"\n"));
  GenParams p;
  conductor.frame(clockAt(0.4), 0.5, p);
  conductor.cue(2);
  conductor.frame(clockAt(1.8), 1.9, p);
  EXPECT_EQ(p.scene, 0) << "waits for the bar";
  conductor.frame(clockAt(1.95), 2.05, p);
  EXPECT_EQ(p.scene, 2);
  EXPECT_EQ(p.prompts[0].text, "c");
  conductor.cue(1, false);
  conductor.frame(clockAt(2.0), 2.1, p);
  EXPECT_EQ(p.scene, 1);
}

TEST(Conductor, SeedAdvancesOnATriggerAndTheMixWalksContinuously) {
  Conductor conductor(setFrom(R"(
[[trigger]]
on = "bar"
action = "seed"
amount = 1
glide = 2
)" + kScenes));
  // Bars at 2, 4 s (120 bpm); each glides one seed over 2 beats (1 s).
  double previousPosition = 0;
  for (int i = 0; i <= 60 * 5; ++i) {
    double show = 1.0 + i / 60.0;
    GenParams p = conductor.frame(clockAt(show - kLatency), show);
    double position = conductor.seedPosition();
    ASSERT_LE(position - previousPosition, 2.0 / 60 + 1e-9) << "at most 2 beats/s * 1/2 seed per beat per frame";
    ASSERT_GE(position, previousPosition);
    previousPosition = position;
    const uint64_t seeds[] = {11, 22, 33};
    long long whole = (long long)std::floor(position);
    EXPECT_EQ(p.seedA, seeds[whole % 3]);
    EXPECT_EQ(p.seedB, seeds[(whole + 1) % 3]);
    EXPECT_NEAR(p.seedMix, position - double(whole), 1e-6);
    if (show < 2.0) {
      EXPECT_EQ(position, 0.0) << show;
    } else if (std::abs(show - 2.5) < 0.5 / 60) {
      EXPECT_NEAR(position, 0.5, 1.5 / 60) << "half way through the glide";
    } else if (show >= 3.0 && show < 4.0) {
      EXPECT_NEAR(position, 1.0, 1e-9) << show;
    } else if (show >= 5.0 && show < 6.0) {
      EXPECT_NEAR(position, 2.0, 1e-9) << show;
    }
  }
}

TEST(Conductor, SeedSpeedDriftsTheNoiseByBeats) {
  Conductor conductor(setFrom(kScenes + "seed_speed = 0.25\n"));
  GenParams p;
  for (int i = 0; i <= 240; ++i) conductor.frame(clockAt(i / 60.0 - kLatency), i / 60.0, p);
  EXPECT_NEAR(conductor.seedPosition(), 2.0, 1e-9) << "8 beats at a quarter seed each";
  EXPECT_EQ(p.seedA, 33u);
  EXPECT_EQ(p.seedB, 11u);
}

TEST(Conductor, OnsetTriggerFiresOnceForEachNewOnset) {
  Conductor conductor(setFrom("[[trigger]]\non = \"onset\"\naction = \"pulse\"\ndecay = 0.05\n" + kScenes));
  audio::FeatureSnapshot s = clockAt(1.0);
  s.onsetTime = 0.5;
  EXPECT_EQ(conductor.frame(s, 1.1).strobe, 0.0f) << "an old onset at the start is not news";
  s.time = 1.2, s.onsetTime = 1.19, s.onset = true;
  EXPECT_EQ(conductor.frame(s, 1.3).strobe, 1.0f);
  s.onset = false;
  EXPECT_NEAR(conductor.frame(s, 1.35).strobe, std::exp(-(1.35 - 1.19) / 0.05), 1e-6) << "the same onset decays";
}

TEST(Conductor, DrumTriggersFireOnTheirOwnKindOnly) {
  Conductor conductor(setFrom(R"(
[[trigger]]
on = "kick"
action = "pulse"
decay = 0.05
[[trigger]]
on = "hat"
every = 2
action = "pulse"
target = "zoom"
amount = 0.5
decay = 0.05
[[mapping]]
source = "snare_strength"
target = "brightness"
)" + kScenes));
  audio::FeatureSnapshot s = clockAt(1.0);
  GenParams p = conductor.frame(s, 1.1);
  EXPECT_EQ(p.strobe, 0.0f);
  s.time = 1.2, s.drumHitTime[audio::Snare] = 1.19, s.drumStrength[audio::Snare] = 0.5f;
  p = conductor.frame(s, 1.3);
  EXPECT_EQ(p.strobe, 0.0f) << "a snare is not a kick";
  EXPECT_NEAR(p.brightness, 0.5, 1e-6) << "snare_strength mapped";
  s.time = 1.4, s.drumHitTime[audio::Kick] = 1.39, s.drumStrength[audio::Snare] = 0;
  p = conductor.frame(s, 1.5);
  EXPECT_EQ(p.strobe, 1.0f);
  EXPECT_NEAR(conductor.frame(s, 1.55).strobe, std::exp(-(1.55 - 1.39) / 0.05), 1e-6) << "the same kick decays";
  // Hats: every = 2 fires on the first, third... (count % 2 == 0).
  float zoomPulses[3];
  for (int i = 0; i < 3; ++i) {
    s.time = 2.0 + i, s.drumHitTime[audio::Hat] = 2.0 + i - 0.01;
    zoomPulses[i] = conductor.frame(s, 2.1 + i).zoom;
  }
  EXPECT_NEAR(zoomPulses[0], 1.5, 1e-6);
  EXPECT_NEAR(zoomPulses[1], 1.0, 1e-3);
  EXPECT_NEAR(zoomPulses[2], 1.5, 1e-6);
}

TEST(Conductor, DropTriggerCutsToTheDropScene) {
  Conductor conductor(setFrom(kDropScenes + R"(
[[mapping]]
source = "drop_in_bars"
target = "zoom"
gain = 0.1
input = [0, 8]
)"));
  audio::FeatureSnapshot s = clockAt(10.0);
  EXPECT_EQ(conductor.frame(s, 10.1).scene, 0);
  s.time = 11, s.section = audio::MusicSection::Buildup, s.sectionStartTime[1] = 11, s.dropInBars = 4;
  GenParams p = conductor.frame(s, 11.1);
  EXPECT_EQ(p.scene, 0) << "a build-up is not a drop";
  EXPECT_NEAR(p.zoom, 1.05, 1e-6) << "drop_in_bars mapped";
  s.time = 15, s.section = audio::MusicSection::Drop, s.sectionStartTime[2] = 14.99, s.dropInBars = 0;
  EXPECT_EQ(conductor.frame(s, 15.1).scene, 1);
  EXPECT_EQ(conductor.frame(s, 15.2).scene, 1) << "the same drop does not cut again";
  s.time = 30, s.section = audio::MusicSection::Breakdown, s.sectionStartTime[3] = 30;
  EXPECT_EQ(conductor.frame(s, 30.1).scene, 0);
}

// step_phase saws over each half of the beat, or each third where the
// beat divides in three; subdivision and beats_per_bar read as numbers.
TEST(Conductor, StepPhaseFollowsTheSubdivision) {
  Conductor conductor(setFrom(kScenes + R"(
[[mapping]]
source = "step_phase"
target = "zoom"
gain = 1.0
)"));
  const double period = 0.5, show = 10 + 0.4 * period;  // 0.4 of the way through a beat
  audio::FeatureSnapshot s = clockAt(show);
  double inTwo = conductor.frame(s, show).zoom - 1.0;
  s.subdivision = 3;
  double inThree = conductor.frame(s, show).zoom - 1.0;
  EXPECT_NEAR(inTwo, 0.8, 0.02);   // 0.4 x 2: four fifths through the first eighth
  EXPECT_NEAR(inThree, 0.2, 0.02); // 0.4 x 3 - 1: a fifth through the second triplet
  for (auto [name, value] : {std::pair{"subdivision", 3.0}, std::pair{"beats_per_bar", 2.0}}) {
    ASSERT_TRUE(parseFeatureSource(name)) << name;
    audio::FeatureSnapshot t = clockAt(show, 120, 2);
    t.subdivision = 3;
    EXPECT_EQ(featureValue(*parseFeatureSource(name), t, FrameEvents{}), value) << name;
  }
}

TEST(Conductor, EveryAndOffsetPickBeatsOfTheBar) {
  Conductor conductor(setFrom("[[trigger]]\non = \"beat\"\nevery = 4\noffset = 2\naction = \"pulse\"\ndecay = 0.01\n" + kScenes));
  std::vector<double> flashes;
  for (int i = 0; i < 600; ++i) {
    double show = 0.05 + i / 60.0;
    if (conductor.frame(clockAt(show - kLatency), show).strobe > 0.99) flashes.push_back(show);
  }
  // Beat 2 of each 2 s bar: 1, 3, 5, 7, 9 s.
  ASSERT_EQ(flashes.size(), 5u);
  for (size_t k = 0; k < 5; ++k) EXPECT_NEAR(flashes[k], 1.0 + 2.0 * double(k), 1 / 60.0);
}

TEST(Conductor, GateKeepsTriggersQuietInSilence) {
  Conductor conductor(setFrom("[[trigger]]\non = \"beat\"\naction = \"pulse\"\ngate_db = -50\n" + kScenes));
  float most = 0;
  for (int i = 0; i < 300; ++i) {
    double show = 0.05 + i / 60.0;
    audio::FeatureSnapshot s = clockAt(show - kLatency);
    s.rmsDbfs = -70;
    most = std::max(most, conductor.frame(s, show).strobe);
  }
  EXPECT_EQ(most, 0.0f);
}

TEST(Conductor, TriggerCutsToASceneAndBlackoutFollowsItsParameter) {
  Conductor conductor(setFrom(R"(
[[trigger]]
on = "bar"
every = 2
offset = 1
action = "scene"
scene = 1
[[scene]]
prompt = "a"
[[scene]]
prompt = "b"
[scene.params]
blackout = true
)"));
  GenParams p;
  conductor.frame(clockAt(0.0), 0.1, p);
  EXPECT_EQ(p.scene, 0);
  EXPECT_FALSE(p.blackout);
  conductor.frame(clockAt(1.9), 2.0, p);
  EXPECT_EQ(p.scene, 1) << "bar 1 (2 s) is odd";
  EXPECT_TRUE(p.blackout);
}

TEST(Conductor, ReloadedSetKeepsTimeSceneAndSeedWalk) {
  std::string body = "[[scene]]\nprompt = \"a\"\nseed = 5\n[scene.params]\nseed_speed = 1\n"
                     "[[scene]]\nprompt = \"b\"\n";
  Conductor conductor(setFrom(body));
  GenParams p;
  conductor.frame(clockAt(0.0), 0.1, p);
  conductor.cue(1, false);
  conductor.frame(clockAt(0.2), 0.3, p);
  conductor.cue(0, false);
  for (double show = 0.35; show < 1.2; show += 0.05) conductor.frame(clockAt(show - kLatency), show, p);
  double position = conductor.seedPosition();
  ASSERT_GT(position, 1.0);
  conductor.setSet(std::make_shared<const Set>(setFrom(body + "[[scene]]\nprompt = \"c\"\n")));
  conductor.frame(clockAt(1.1), 1.2, p);
  EXPECT_EQ(p.scene, 0);
  EXPECT_NEAR(conductor.seedPosition(), position + 0.1, 1e-9) << "the walk goes on: 0.1 beat at 1 seed per beat";
  EXPECT_EQ(p.seedA, 5u + uint64_t(std::floor(position + 0.1)));
}

// The real analyzer on a synthesized house track at 124 bpm: once the clock
// has locked, a strobe on each beat lands within a frame (plus the tracker's
// tolerance) of the labelled beats, although every frame's snapshot is 100
// ms older than the frame.
TEST(Conductor, StrobeFromTheAnalyzerLandsOnTheLabelledBeats) {
  audio::testing::TrackSpec spec;
  spec.name = "house";
  spec.pattern = "house";
  spec.bpm = 124;
  spec.seconds = 16;
  audio::testing::LabelledTrack track = audio::testing::synthesize(spec);
  Conductor conductor(setFrom("[[trigger]]\non = \"beat\"\naction = \"pulse\"\ndecay = 0.02\nmin_confidence = 0.3\n" + kScenes));
  const double fps = 60;
  std::vector<double> flashes;
  float fluxPeak = 0, onsetPeak = 0, lowPeak = 0;
  forEachFrame(analyzed(track), spec.seconds, fps, [&](double show, const audio::FeatureSnapshot& s) {
    fluxPeak = std::max(fluxPeak, s.flux), onsetPeak = std::max(onsetPeak, s.onsetStrength);
    lowPeak = std::max(lowPeak, s.bands[audio::Low]);
    if (conductor.frame(s, show).strobe > 0.99 && show > 6) flashes.push_back(show);
  });
  std::printf("peaks: flux %.3f, onset strength %.3f, low %.3f\n", fluxPeak, onsetPeak, lowPeak);
  audio::testing::Score score = audio::testing::fMeasure(flashes, track.beats, 1 / fps + 0.03, 6.5);
  std::printf("flashes after 6.5 s: %d matched of %d, %d beats: F = %.3f (window %.0f ms)\n", score.matched,
              score.detections, score.annotations, score.fMeasure, (1 / fps + 0.03) * 1000);
  EXPECT_GT(score.fMeasure, 0.9);
}

// on = "kick" from the real analyzer: the pulses follow the labelled kicks
// (each seen one pipeline latency later), not the snares and hats between.
TEST(Conductor, KickTriggerFromTheAnalyzerFollowsTheLabelledKicks) {
  audio::testing::TrackSpec spec;
  spec.name = "house", spec.pattern = "house", spec.bpm = 124, spec.seconds = 12;
  audio::testing::LabelledTrack track = audio::testing::synthesize(spec);
  Conductor conductor(setFrom("[[trigger]]\non = \"kick\"\naction = \"pulse\"\ndecay = 0.01\n" + kScenes));
  const double fps = 60;
  std::vector<double> kicks;  // show time less the latency: when the audio was
  forEachFrame(analyzed(track), spec.seconds, fps, [&](double show, const audio::FeatureSnapshot& s) {
    if (conductor.frame(s, show).strobe > 0.99) kicks.push_back(show - kLatency);
  });
  // A frame lasts 1/60 s, the detection takes about 25 ms.
  audio::testing::Score score = audio::testing::fMeasure(kicks, track.kicks, 1 / fps + 0.05, 1.0);
  std::printf("kick pulses: %d matched of %d, %d kicks: P %.3f R %.3f\n", score.matched, score.detections,
              score.annotations, score.precision, score.recall);
  EXPECT_GE(score.recall, 0.9);
  EXPECT_GE(score.precision, 0.9);
}

// on = "drop" from the real analyzer on a synthesized arrangement: the set
// cuts to its drop scene on each drop, within a frame of the drop's first
// kick (after the pipeline latency), and back on the breakdown.
TEST(Conductor, DropTriggerFromTheAnalyzerCutsOnTheArrangementsDrops) {
  audio::testing::TrackSpec spec;
  spec.name = "arrangement", spec.pattern = "house", spec.bpm = 128;
  using audio::SectionKind;
  spec.arrangement = {{SectionKind::Intro, 4}, {SectionKind::Buildup, 8}, {SectionKind::Drop, 8},
                      {SectionKind::Breakdown, 4}, {SectionKind::Buildup, 4}, {SectionKind::Drop, 4}};
  audio::testing::LabelledTrack track = audio::testing::synthesize(spec);
  Conductor conductor(setFrom(kDropScenes));
  const double fps = 30, seconds = double(track.samples.size()) / track.sampleRate;
  std::vector<double> cuts;  // show time less the latency, when the scene became the drop's
  int scene = 0;
  forEachFrame(analyzed(track), seconds, fps, [&](double show, const audio::FeatureSnapshot& s) {
    int now = conductor.frame(s, show).scene;
    if (now == 1 && scene == 0) cuts.push_back(show - kLatency);
    scene = now;
  });
  std::vector<double> drops;
  for (const audio::SectionMark& m : track.sections)
    if (m.kind == SectionKind::Drop) drops.push_back(m.time);
  ASSERT_EQ(cuts.size(), drops.size());
  for (size_t i = 0; i < drops.size(); ++i) {
    std::printf("drop at %.3f s: cut to the drop scene at %.3f s (+%.0f ms)\n", drops[i], cuts[i],
                1000 * (cuts[i] - drops[i]));
    EXPECT_GE(cuts[i], drops[i] - 1e-9);
    EXPECT_LT(cuts[i], drops[i] + 0.05 + 1 / fps);
  }
}

}  // namespace
}  // namespace afterimage::pipeline
