// Set files: a full set read field by field; each kind of mistake reported
// with its file, line, column and field; load -> save -> load gives the same
// set; relative model folders survive a save elsewhere.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/pipeline/set_file.h"

namespace afterimage::pipeline {
namespace {

const char* kFull = R"(name = "Full"
model = "models/mine"
size = [640, 384]
fps = 50
steps = 2
bpm = 128

[sequence]
bars = 4
scenes = [1, 0]

[[mapping]]
source = "mel.5"
target = "prompt.1.weight"
input = [0.1, 2]
attack = 0.01
release = 0.3
curve = "exp"
gain = 0.5
offset = -0.1
clamp = [0, 1]
combine = "multiply"

[[lfo]]
wave = "square"
period = 0.5
phase = 0.25
depth = 0.1
target = "hue_shift"

[[trigger]]
on = "onset"
every = 3
offset = 2
gate_db = -50
action = "seed"
amount = 2
glide = 0.5

[[trigger]]
on = "bar"
action = "scene"
scene = 1

[[scene]]
name = "first"
prompt = "plasma:0.25, tunnel:0.75"
seeds = [5, 6]
[scene.params]
strength = 0.3
blackout = true
translate_x = -0.1

[[scene.trigger]]
on = "beat"
min_confidence = 0.5
action = "pulse"
target = "zoom"
amount = 0.05
decay = 0.2

[[scene]]
prompts = ["a house, at night", { text = "weight: high", weight = 0.5 }]
seed = 9
)";

TEST(SetFile, ReadsEveryField) {
  Set set = parseSet(kFull, "/shows/full.toml");
  EXPECT_EQ(set.name, "Full");
  EXPECT_EQ(set.modelFolder(), std::filesystem::path("/shows/models/mine"));
  EXPECT_FALSE(set.usesDefaultModel());
  EXPECT_EQ(set.width, 640);
  EXPECT_EQ(set.height, 384);
  EXPECT_EQ(set.fps, 50);
  EXPECT_EQ(set.steps, 2);
  EXPECT_EQ(set.bpm, 128);
  EXPECT_EQ(set.sequence.bars, 4);
  EXPECT_EQ(set.sequence.scenes, (std::vector<int>{1, 0}));

  ASSERT_EQ(set.mappings.size(), 1u);
  const Mapping& m = set.mappings[0];
  EXPECT_EQ(m.source, (FeatureSource{Feature::Mel, 5}));
  EXPECT_EQ(m.target, (ParameterTarget{Parameter::PromptWeight, 1}));
  EXPECT_EQ(m.inputMin, 0.1);
  EXPECT_EQ(m.inputMax, 2.0);
  EXPECT_EQ(m.attack, 0.01);
  EXPECT_EQ(m.release, 0.3);
  EXPECT_EQ(m.curve, Curve::Exp);
  EXPECT_EQ(m.gain, 0.5);
  EXPECT_EQ(m.offset, -0.1);
  EXPECT_EQ(m.clampMin, 0.0);
  EXPECT_EQ(m.clampMax, 1.0);
  EXPECT_EQ(m.combine, Combine::Multiply);

  ASSERT_EQ(set.lfos.size(), 1u);
  EXPECT_EQ(set.lfos[0].wave, Wave::Square);
  EXPECT_EQ(set.lfos[0].period, 0.5);
  EXPECT_EQ(set.lfos[0].phase, 0.25);
  EXPECT_EQ(set.lfos[0].depth, 0.1);
  EXPECT_EQ(set.lfos[0].target.parameter, Parameter::HueShift);

  ASSERT_EQ(set.triggers.size(), 2u);
  const Trigger& seed = set.triggers[0];
  EXPECT_EQ(seed.on, TriggerEvent::Onset);
  EXPECT_EQ(seed.every, 3);
  EXPECT_EQ(seed.offset, 2);
  EXPECT_EQ(seed.gateDb, -50);
  EXPECT_EQ(seed.action, TriggerAction::Seed);
  EXPECT_EQ(seed.amount, 2);
  EXPECT_EQ(seed.glide, 0.5);
  EXPECT_EQ(set.triggers[1].action, TriggerAction::Scene);
  EXPECT_EQ(set.triggers[1].scene, 1);

  ASSERT_EQ(set.scenes.size(), 2u);
  const Scene& first = set.scenes[0];
  EXPECT_EQ(first.name, "first");
  EXPECT_EQ(first.prompts, (std::vector<ScenePrompt>{{"plasma", 0.25}, {"tunnel", 0.75}}));
  EXPECT_EQ(first.seeds, (std::vector<uint64_t>{5, 6}));
  EXPECT_EQ(first.params[size_t(Parameter::Strength)], 0.3);
  EXPECT_EQ(first.params[size_t(Parameter::Blackout)], 1.0);
  EXPECT_EQ(first.params[size_t(Parameter::TranslateX)], -0.1);
  EXPECT_EQ(first.params[size_t(Parameter::Zoom)], 1.0) << "unset parameters keep their defaults";
  ASSERT_EQ(first.triggers.size(), 1u);
  EXPECT_EQ(first.triggers[0].target.parameter, Parameter::Zoom);
  EXPECT_EQ(first.triggers[0].minConfidence, 0.5);
  const Scene& second = set.scenes[1];
  EXPECT_EQ(second.name, "scene 1");
  EXPECT_EQ(second.prompts, (std::vector<ScenePrompt>{{"a house, at night", 1.0}, {"weight: high", 0.5}}));
  EXPECT_EQ(second.seeds, (std::vector<uint64_t>{9}));
}

// The messages of a set that must fail.
std::vector<std::string> errorsOf(const std::string& toml) {
  try {
    parseSet(toml, "sets/x.toml");
  } catch (const SetError& e) {
    for (const std::string& m : e.messages()) std::printf("  %s\n", m.c_str());
    return e.messages();
  }
  ADD_FAILURE() << "no error for:\n" << toml;
  return {};
}

std::string only(const std::string& toml) {
  auto errors = errorsOf(toml);
  EXPECT_EQ(errors.size(), 1u);
  return errors.empty() ? "" : errors[0];
}

const std::string kScene = "[[scene]]\nprompt = \"plasma\"\n";

TEST(SetFileErrors, SyntaxErrorNamesLineAndColumn) {
  std::string m = only("name = \"x\"\nfps = = 3\n" + kScene);
  EXPECT_EQ(m.rfind("sets/x.toml:2:", 0), 0u) << m;
  EXPECT_NE(m.find("TOML syntax"), std::string::npos) << m;
}

TEST(SetFileErrors, UnknownParameterSuggestsTheNearestName) {
  std::string m = only(kScene + "\n[[mapping]]\nsource = \"low\"\ntarget = \"zoom\"\n[[mapping]]\nsource = \"low\"\n"
                                "target = \"zom\"\n");
  EXPECT_EQ(m, "sets/x.toml:9:10: mapping[1].target: unknown parameter 'zom' (did you mean 'zoom'?)");
}

TEST(SetFileErrors, UnknownKeyIsATypo) {
  std::string m = only("name = \"x\"\n" + kScene + "[scene.params]\nstrenght = 0.5\n");
  EXPECT_EQ(m, "sets/x.toml:5:1: scene[0].params.strenght: unknown key (did you mean 'strength'?)");
  m = only(kScene + "[[lfo]]\ntarget = \"rotate\"\ndepth = 1\nperoid = 2\n");
  EXPECT_EQ(m, "sets/x.toml:6:1: lfo[0].peroid: unknown key (did you mean 'period'?)");
  m = only("nmae = \"x\"\n" + kScene);
  EXPECT_EQ(m, "sets/x.toml:1:1: nmae: unknown key (did you mean 'name'?)");
}

TEST(SetFileErrors, WrongType) {
  std::string m = only("fps = \"fast\"\n" + kScene);
  EXPECT_EQ(m, "sets/x.toml:1:7: fps: expected a number, found 'fast'");
  m = only("steps = 1.5\n" + kScene);
  EXPECT_EQ(m, "sets/x.toml:1:9: steps: expected an integer, found 1.5");
}

TEST(SetFileErrors, MissingFields) {
  EXPECT_EQ(only("name = \"x\"\n"), "sets/x.toml:1:1: scene: missing (at least one [[scene]])");
  std::string m = only(kScene + "[[mapping]]\nsource = \"low\"\n");
  EXPECT_EQ(m, "sets/x.toml:3:1: mapping[0].target: missing (the parameter it drives, e.g. \"zoom\")");
  m = only("[[scene]]\nname = \"empty\"\n");
  EXPECT_NE(m.find("sets/x.toml:1:1: scene[0].prompt: missing"), std::string::npos) << m;
}

TEST(SetFileErrors, UnknownNamesOfFeaturesAndChoices) {
  EXPECT_EQ(only(kScene + "[[mapping]]\nsource = \"lwo\"\ntarget = \"zoom\"\n"),
            "sets/x.toml:4:10: mapping[0].source: unknown feature 'lwo' (did you mean 'low'?)");
  EXPECT_EQ(only(kScene + "[[mapping]]\nsource = \"low\"\ntarget = \"zoom\"\ncurve = \"expo\"\n"),
            "sets/x.toml:6:9: mapping[0].curve: unknown curve 'expo' (did you mean 'exp'?); one of linear, exp, log, "
            "smoothstep");
  EXPECT_EQ(only(kScene + "[[trigger]]\non = \"beats\"\naction = \"pulse\"\n"),
            "sets/x.toml:4:6: trigger[0].on: unknown event 'beats' (did you mean 'beat'?); one of beat, bar, onset, kick, "
            "snare, hat, buildup, drop, breakdown");
  EXPECT_EQ(only(kScene + "[[mapping]]\nsource = \"mel.40\"\ntarget = \"zoom\"\n"),
            "sets/x.toml:4:10: mapping[0].source: mel band 40 out of range [0, 39]");
}

TEST(SetFileErrors, OutOfRange) {
  EXPECT_EQ(only(kScene + "[scene.params]\nstrength = 1.5\n"),
            "sets/x.toml:4:12: scene[0].params.strength: value 1.5 out of range [0, 1]");
  EXPECT_EQ(only("size = [500, 512]\n" + kScene),
            "sets/x.toml:1:8: size: 500x512: each side must be a multiple of 8 in [64, 4096]");
  EXPECT_EQ(only(kScene + "[[lfo]]\nperiod = 0\ndepth = 1\ntarget = \"zoom\"\n"),
            "sets/x.toml:4:10: lfo[0].period: value 0 out of range [0.015625, 1024]");
  EXPECT_EQ(only(kScene + "[[mapping]]\nsource = \"low\"\ntarget = \"zoom\"\ninput = [1, 0]\n"),
            "sets/x.toml:6:9: mapping[0].input: low 1 must be below high 0");
  EXPECT_EQ(only(kScene + "[[trigger]]\non = \"beat\"\naction = \"pulse\"\nevery = 4\noffset = 4\n"),
            "sets/x.toml:7:10: trigger[0].offset: must be below every (4)");
}

TEST(SetFileErrors, IndicesOfScenesAndPrompts) {
  EXPECT_EQ(only("[sequence]\nbars = 4\nscenes = [0, 3]\n" + kScene),
            "sets/x.toml:3:14: sequence.scenes: expected a scene index in [0, 0], found 3");
  EXPECT_EQ(only(kScene + "[[scene.mapping]]\nsource = \"low\"\ntarget = \"prompt.1.weight\"\n"),
            "sets/x.toml:5:10: scene[0].mapping[0].target: prompt 1 does not exist (prompts count from 0; 1 prompt)");
  EXPECT_EQ(only(kScene + "[[trigger]]\non = \"bar\"\naction = \"scene\"\nscene = 2\n"),
            "sets/x.toml:6:9: trigger[0].scene: value 2 out of range [0, 0]");
}

TEST(SetFileErrors, OptionsOfAnotherAction) {
  EXPECT_EQ(only(kScene + "[[trigger]]\non = \"bar\"\naction = \"seed\"\ndecay = 0.1\n"),
            "sets/x.toml:6:9: trigger[0].decay: only for action = \"pulse\"");
}

TEST(SetFileErrors, PromptsAndSeeds) {
  EXPECT_EQ(only("[[scene]]\nprompt = \"a\"\nprompts = [\"b\"]\n"),
            "sets/x.toml:3:11: scene[0].prompts: give either prompt (a mix string) or prompts (a list), not both");
  EXPECT_EQ(only("[[scene]]\nprompt = \":0.5\"\n"),
            "sets/x.toml:2:10: scene[0].prompt: prompt mix ':0.5': weight at character 0 has no prompt before it");
  EXPECT_EQ(only("[[scene]]\nprompt = \"  \"\n"), "sets/x.toml:2:10: scene[0].prompt: empty prompt");
  EXPECT_EQ(only(kScene + "seeds = [1, -2]\n"),
            "sets/x.toml:3:13: scene[0].seeds: expected a seed (an integer >= 0), found -2");
}

TEST(SetFileErrors, AllMistakesAreReportedInFileOrder) {
  auto errors = errorsOf("fps = 0\n" + kScene + "[scene.params]\nzom = 1\n[[mapping]]\nsource = \"x\"\ntarget = \"zoom\"\n");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find(":1:7: fps"), std::string::npos);
  EXPECT_NE(errors[1].find(":5:1: scene[0].params.zom"), std::string::npos);
  EXPECT_NE(errors[2].find(":7:10: mapping[0].source"), std::string::npos) << "a set-level [[mapping]] after a scene";
}

TEST(SetFileErrors, MissingFile) {
  try {
    loadSet("/nonexistent/set.toml");
    FAIL();
  } catch (const SetError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/set.toml: cannot read the set file (No such file or directory)");
  }
}

std::filesystem::path temporaryFolder(const std::string& name) {
  auto folder = std::filesystem::temp_directory_path() / ("afterimage_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

TEST(SetFile, LoadSaveLoadGivesTheSameSet) {
  auto folder = temporaryFolder("roundtrip");
  Set original = parseSet(kFull, folder / "full.toml");
  saveSet(original, folder / "full.toml");
  Set again = loadSet(folder / "full.toml");
  EXPECT_TRUE(again == original) << formatSet(again, folder / "full.toml");
  EXPECT_EQ(again.model, "models/mine");
  // Awkward values survive too: a prompt that is not a mix, odd numbers, big seeds.
  original.scenes[0].prompts = {{"ratio 16:9, \"quoted\"\\ and:colons", 0.1 + 0.2}, {"tab\there", -1e-7}};
  original.scenes[0].seeds = {18446744073709551ull, 0};
  original.mappings[0].gain = 1.0 / 3.0;
  // The detected events: a cut on the drop, a pulse on each kick.
  original.triggers[1].on = TriggerEvent::Drop;
  original.scenes[0].triggers[0].on = TriggerEvent::Kick;
  original.mappings[0].source = *parseFeatureSource("drop_in_bars");
  saveSet(original, folder / "full.toml");
  again = loadSet(folder / "full.toml");
  EXPECT_TRUE(again == original) << formatSet(again, folder / "full.toml");
  std::filesystem::remove_all(folder);
}

TEST(SetFile, SavedElsewhereTheModelFolderStaysTheSame) {
  auto folder = temporaryFolder("elsewhere");
  std::filesystem::create_directories(folder / "deeper");
  Set set = parseSet(kFull, folder / "full.toml");
  saveSet(set, folder / "deeper" / "copy.toml");
  Set copy = loadSet(folder / "deeper" / "copy.toml");
  EXPECT_EQ(copy.model, "../models/mine");
  EXPECT_EQ(copy.modelFolder(), set.modelFolder());
  EXPECT_TRUE(copy == set);
  std::filesystem::remove_all(folder);
}

std::string fileText(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Saving from the panel rewrites the file in the set format: the user's
// hand-written file (with its comments) is kept as FILE.bak, and later saves
// of the formatted file leave that backup alone.
TEST(SetFile, SavingOverAHandWrittenSetKeepsItAsBak) {
  auto folder = temporaryFolder("backup");
  std::string handWritten = std::string("# my show: do not lose this comment\n") + kFull;
  { std::ofstream(folder / "show.toml") << handWritten; }
  Set set = loadSet(folder / "show.toml");
  set.mappings[0].gain = 0.5;
  saveSet(set, folder / "show.toml");
  EXPECT_EQ(fileText(folder / "show.toml.bak"), handWritten);
  EXPECT_TRUE(loadSet(folder / "show.toml") == set);
  set.mappings[0].gain = 0.25;
  saveSet(set, folder / "show.toml");
  EXPECT_EQ(fileText(folder / "show.toml.bak"), handWritten);
  EXPECT_FALSE(std::filesystem::exists(folder / "show.toml.bak.1"));
  std::filesystem::remove_all(folder);
}

TEST(SetFile, SaveLeavesNoTemporaryFileBehind) {
  auto folder = temporaryFolder("temporary");
  saveSet(parseSet(kFull, folder / "a.toml"), folder / "a.toml");
  int files = 0;
  for (auto& entry : std::filesystem::directory_iterator(folder)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace afterimage::pipeline
