// A set's temporal_window against its model: refused by file, line and
// field where the model has no temporal layers or fewer positions; written
// back by save only when set. temporal_lookahead likewise, and refused where
// the window cannot hold it or a feature bank is asked for too.
#include <gtest/gtest.h>

#include "engine/pipeline/set_file.h"

namespace afterimage::pipeline {
namespace {

const std::string kScene = "[[scene]]\nprompt = \"a misty forest\"\n";

ModelLimitsFor withWindow(int maxTemporalWindow) {
  return [maxTemporalWindow](const Set&) {
    ModelLimits limits{"models/video", std::nullopt, 8, 8};
    limits.maxTemporalWindow = maxTemporalWindow;
    return limits;
  };
}

std::string errorOf(const std::string& toml, const ModelLimitsFor& limits) {
  try {
    parseSet(toml, "sets/x.toml", limits);
  } catch (const SetError& e) {
    return e.messages().empty() ? "" : e.messages()[0];
  }
  return "";
}

TEST(SetTemporalWindow, ReadsTheWindow) {
  Set set = parseSet("temporal_window = 8\n" + kScene, "sets/x.toml", withWindow(32));
  EXPECT_EQ(set.temporalWindow, 8);
  EXPECT_EQ(parseSet(kScene, "sets/x.toml", withWindow(0)).temporalWindow, 0);
}

TEST(SetTemporalWindow, AModelWithoutTemporalLayersIsNamed) {
  EXPECT_EQ(errorOf("temporal_window = 8\n" + kScene, withWindow(0)),
            "sets/x.toml:1:19: temporal_window: the model (models/video) has no temporal layers (motion_adapter/)");
}

TEST(SetTemporalWindow, AWindowBeyondTheModelsPositionsIsNamed) {
  EXPECT_EQ(errorOf("temporal_window = 24\n" + kScene, withWindow(16)),
            "sets/x.toml:1:19: temporal_window: 24 frames: the model's temporal layers take 2 to 16");
  EXPECT_NE(errorOf("temporal_window = 33\n" + kScene, withWindow(32)).find("out of range [0, 32]"),
            std::string::npos);
}

TEST(SetTemporalWindow, TemporalMemoryIsAParameterMappingsDrive) {
  Set set = parseSet("temporal_window = 8\n" + kScene +
                         "[scene.params]\ntemporal_memory = 0.5\n[[mapping]]\nsource = \"onset_strength\"\n"
                         "target = \"temporal_memory\"\ngain = -1.0\n",
                     "sets/x.toml", withWindow(32));
  EXPECT_EQ(set.scenes[0].params[size_t(Parameter::TemporalMemory)], 0.5);
  EXPECT_EQ(set.mappings[0].target.parameter, Parameter::TemporalMemory);
  EXPECT_NE(formatSet(set, "sets/x.toml").find("temporal_memory = 0.5"), std::string::npos);
  EXPECT_NE(errorOf("temporal_window = 8\n" + kScene + "[scene.params]\ntemporal_memory = 1.5\n", withWindow(32))
                .find("out of range [0, 1]"),
            std::string::npos);
}

TEST(SetTemporalWindow, SaveWritesItOnlyWhenSet) {
  Set set = parseSet("temporal_window = 6\n" + kScene, "sets/x.toml", withWindow(32));
  EXPECT_NE(formatSet(set, "sets/x.toml").find("temporal_window = 6"), std::string::npos);
  set.temporalWindow = 0;
  EXPECT_EQ(formatSet(set, "sets/x.toml").find("temporal_window"), std::string::npos);
}

TEST(SetTemporalWindow, ALookaheadSlidesTheWindowAndIsWrittenBack) {
  Set set = parseSet("temporal_window = 6\ntemporal_lookahead = 2\n" + kScene, "sets/x.toml", withWindow(32));
  EXPECT_EQ(set.temporalLookahead, 2);
  EXPECT_EQ(parseSet("temporal_window = 6\n" + kScene, "sets/x.toml", withWindow(32)).temporalLookahead, 0);
  std::string text = formatSet(set, "sets/x.toml");
  EXPECT_NE(text.find("temporal_lookahead = 2"), std::string::npos);
  EXPECT_EQ(parseSet(text, "sets/x.toml", withWindow(32)), set);
  set.temporalLookahead = 0;
  EXPECT_EQ(formatSet(set, "sets/x.toml").find("temporal_lookahead"), std::string::npos);
}

TEST(SetTemporalWindow, ALookaheadTheWindowCannotHoldIsNamed) {
  EXPECT_EQ(errorOf("temporal_window = 4\ntemporal_lookahead = 4\n" + kScene, withWindow(32)),
            "sets/x.toml:2:22: temporal_lookahead: 4 frames: a sliding window must hold them and the frame shown, "
            "so temporal_window must be at least 5");
  EXPECT_NE(errorOf("temporal_lookahead = 1\n" + kScene, withWindow(32)).find("temporal_window must be at least 2"),
            std::string::npos);
  EXPECT_EQ(errorOf("temporal_window = 4\ntemporal_lookahead = 1\ntemporal_bank_frames = 2\n" + kScene,
                    withWindow(32)),
            "sets/x.toml:2:22: temporal_lookahead: a sliding temporal window and a feature bank "
            "(temporal_bank_frames) do not go together");
}

}  // namespace
}  // namespace afterimage::pipeline
