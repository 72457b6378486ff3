// Sets against their model: a style the model lacks, a size off the model's
// granularity, steps the sampler does not record and weights that cannot
// blend are refused at load with the file, line and field (and the closest
// style); numbers must be finite; a hot reload or a panel edit the running
// model cannot show keeps the last good set.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/pipeline/default_model.h"
#include "engine/pipeline/set_file.h"
#include "engine/pipeline/set_watcher.h"
#include "tests/support/set_folder_test.h"

namespace afterimage::pipeline {
namespace {

ModelLimits testModel() {
  ModelLimits limits;
  limits.folder = "models/test";
  limits.styles = std::vector<std::string>{"plasma", "tunnel", "voronoi", "reaction_diffusion"};
  limits.sizeMultiple = 32;
  return limits;
}

ModelLimitsFor onTestModel() {
  return [](const Set&) { return testModel(); };
}

std::vector<std::string> errorsOf(const std::string& toml, const ModelLimitsFor& limits = onTestModel()) {
  try {
    parseSet(toml, "sets/x.toml", limits);
  } catch (const SetError& e) {
    return e.messages();
  }
  ADD_FAILURE() << "no error for:\n" << toml;
  return {};
}

std::string only(const std::string& toml, const ModelLimitsFor& limits = onTestModel()) {
  auto errors = errorsOf(toml, limits);
  EXPECT_EQ(errors.size(), 1u);
  return errors.empty() ? "" : errors[0];
}

const std::string kScene = "[[scene]]\nprompt = \"plasma\"\n";

TEST(SetModelCheck, AStyleTheModelLacksNamesFileLineFieldAndTheClosestStyle) {
  std::string m = only(kScene + "[[scene]]\nname = \"cells\"\nprompt = \"voronoi:0.5, tunel:0.3\"\n");
  EXPECT_EQ(m, "sets/x.toml:5:10: scene[1].prompt: the model (models/test) has no style 'tunel' (part 2 of the mix) "
               "(did you mean 'tunnel'?); it knows: plasma, tunnel, voronoi, reaction_diffusion");
  m = only(kScene + "[[scene]]\nprompts = [\"voronoi\", { text = \"cellular\", weight = 0.3 }]\n");
  EXPECT_NE(m.find("sets/x.toml:4:11: scene[1].prompt: the model (models/test) has no style 'cellular'"),
            std::string::npos)
      << m;
}

TEST(SetModelCheck, TheShippedDefaultSetsMistakeIsCaughtOnTheRealDefaultModel) {
  // The third scene of sets/default.toml before the fix, on sets/models/default.
  std::string old = "[[scene]]\nprompt = \"plasma\"\n[[scene]]\nname = \"cells\"\n"
                    "prompt = \"voronoi:0.5, cellular:0.3, reaction_diffusion:0.2\"\n";
  std::string m = only(old, limitsOfSetModel());
  EXPECT_NE(m.find("sets/x.toml:5:10: scene[1].prompt: the model (" + defaultModelFolder() +
                   ") has no style 'cellular' (part 2 of the mix)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("it knows: plasma, domain_warp, voronoi"), std::string::npos) << m;
  EXPECT_NO_THROW(parseSet(kScene, "sets/x.toml", limitsOfSetModel()));
}

TEST(SetModelCheck, StepsAreWhatTheSamplerRecords) {
  EXPECT_EQ(only("steps = 9\n" + kScene), "sets/x.toml:1:9: steps: value 9 out of range [1, 8]");
  EXPECT_EQ(only("steps = 50\n" + kScene), "sets/x.toml:1:9: steps: value 50 out of range [1, 8]");
  EXPECT_EQ(only("steps = 0\n" + kScene), "sets/x.toml:1:9: steps: value 0 out of range [1, 8]");
  EXPECT_NO_THROW(parseSet("steps = 8\n" + kScene, "sets/x.toml", onTestModel()));
}

TEST(SetModelCheck, SizeIsAMultipleOfTheModelsGranularity) {
  EXPECT_EQ(only("size = [264, 256]\n" + kScene),
            "sets/x.toml:1:8: size: 264x256: each side must be a multiple of 32 for the model (models/test), e.g. "
            "256x256");
  // The default size (512) is not in the file: the mistake is at the top.
  ModelLimitsFor coarse = [](const Set&) {
    ModelLimits l = testModel();
    l.sizeMultiple = 384;
    return l;
  };
  EXPECT_NE(only(kScene, coarse).find("sets/x.toml:1:1: size: 512x512"), std::string::npos);
}

TEST(SetModelCheck, NonFiniteNumbersAreRefused) {
  EXPECT_EQ(only("[[scene]]\nprompts = [{ text = \"plasma\", weight = nan }]\n"),
            "sets/x.toml:2:40: scene[0].prompts[0].weight: value nan out of range [-4, 4]");
  EXPECT_EQ(only(kScene + "[[mapping]]\nsource = \"low\"\ntarget = \"zoom\"\ngain = nan\n"),
            "sets/x.toml:6:8: mapping[0].gain: value nan out of range [-inf, inf]");
  EXPECT_EQ(only(kScene + "[[lfo]]\ntarget = \"zoom\"\ndepth = inf\n"),
            "sets/x.toml:5:9: lfo[0].depth: value inf out of range [-inf, inf]");
  EXPECT_EQ(only(kScene + "[scene.params]\nstrength = -nan\n"),
            "sets/x.toml:4:12: scene[0].params.strength: value nan out of range [0, 1]");
  EXPECT_EQ(only("bpm = inf\n" + kScene), "sets/x.toml:1:7: bpm: value inf out of range [20, 400]");
}

TEST(SetModelCheck, PromptWeightsAreInRangeAndBlend) {
  EXPECT_EQ(only("[[scene]]\nprompt = \"plasma:5\"\n"),
            "sets/x.toml:2:10: scene[0].prompt: 'plasma': weight 5 out of range [-4, 4]");
  EXPECT_EQ(only("[[scene]]\nprompt = \"plasma:0.5, tunnel:-0.5\"\n"),
            "sets/x.toml:2:10: scene[0].prompt: the prompt weights must sum to more than 0");
}

TEST(SetModelCheck, AModelThatCannotBeReadIsReportedAtTheModelKey) {
  std::string m = only("model = \"nowhere\"\n" + kScene, limitsOfSetModel());
  EXPECT_NE(m.find("sets/x.toml:1:9: model: cannot check the set against its model: sets/nowhere: not a directory"),
            std::string::npos)
      << m;
}

TEST(SetModelCheck, TextModelsTakeAnyText) {
  ModelLimitsFor text = [](const Set&) { return ModelLimits{"models/text", std::nullopt, 8, 8}; };
  EXPECT_NO_THROW(parseSet("[[scene]]\nprompt = \"a misty forest, cellular\"\n", "sets/x.toml", text));
}

class SetModelReloadTest : public testing::SetFolderTest {};

TEST_F(SetModelReloadTest, AnEditNamingAMissingStyleKeepsTheGoodSet) {
  write(kScene);
  SetWatcher watcher(file_, onTestModel());
  ASSERT_TRUE(watcher.current());
  write("[[scene]]\nprompt = \"plasma:0.7, cellular:0.3\"\n");
  EXPECT_FALSE(watcher.poll());
  EXPECT_EQ(watcher.current()->scenes[0].prompts.size(), 1u) << "the last good set stays";
  EXPECT_NE(watcher.error().find(file_.string() + ":2:10: scene[0].prompt: the model (models/test) has no style "
                                                  "'cellular'"),
            std::string::npos)
      << watcher.error();
  write("[[scene]]\nprompt = \"plasma:0.7, voronoi:0.3\"\n");
  EXPECT_TRUE(watcher.poll());
  EXPECT_EQ(watcher.error(), "");
}

TEST_F(SetModelReloadTest, APanelEditTheModelCannotShowIsRefused) {
  write(kScene);
  SetWatcher watcher(file_, onTestModel());
  Set edited = *watcher.current();
  edited.scenes[0].prompts = {{"plasmа", 1.0}};  // a Cyrillic 'а'
  try {
    watcher.replace(edited);
    FAIL() << "replaced";
  } catch (const SetError& e) {
    EXPECT_NE(std::string(e.what()).find(file_.string() + ": scene[0].prompt: the model (models/test) has no style"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(watcher.current()->scenes[0].prompts[0].text, "plasma");
  EXPECT_EQ(watcher.version(), 1u);
}

}  // namespace
}  // namespace afterimage::pipeline
