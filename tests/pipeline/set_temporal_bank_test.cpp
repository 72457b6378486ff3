// A set's feature bank: temporal_bank_frames read (0..16) and written back
// only when set, out-of-range values and a model without attention layers
// refused by file, line and field; the temporal_bank parameter.
#include <gtest/gtest.h>

#include "engine/pipeline/set_file.h"

namespace afterimage::pipeline {
namespace {

const std::string kScene = "[[scene]]\nprompt = \"a misty forest\"\n";

ModelLimitsFor withAttention(bool selfAttention) {
  return [selfAttention](const Set&) {
    ModelLimits limits{"models/plain", std::nullopt, 8, 8};
    limits.selfAttention = selfAttention;
    return limits;
  };
}

std::string errorOf(const std::string& toml, const ModelLimitsFor& limits = withAttention(true)) {
  try {
    parseSet(toml, "sets/x.toml", limits);
  } catch (const SetError& e) {
    return e.messages().empty() ? "" : e.messages()[0];
  }
  return "";
}

TEST(SetTemporalBank, ReadsTheFramesAndTheParameter) {
  Set set = parseSet("temporal_bank_frames = 4\n" + kScene +
                         "[scene.params]\ntemporal_bank = 0.5\n[[mapping]]\nsource = \"loudness\"\n"
                         "target = \"temporal_bank\"\ngain = -0.5\n",
                     "sets/x.toml", withAttention(true));
  EXPECT_EQ(set.temporalBankFrames, 4);
  EXPECT_EQ(set.scenes[0].params[size_t(Parameter::TemporalBank)], 0.5);
  EXPECT_EQ(set.mappings[0].target.parameter, Parameter::TemporalBank);
  EXPECT_EQ(parseSet(kScene, "sets/x.toml", withAttention(true)).temporalBankFrames, 0);
}

// Without a bank the parameter does nothing, but a set the panel, OSC or MIDI learn edited still
// reads back: it is not refused.
TEST(SetTemporalBank, TheParameterWithoutABankReadsBack) {
  Set set = parseSet(kScene + "[scene.params]\ntemporal_bank = 0.5\n[[lfo]]\ntarget = \"temporal_bank\"\ndepth = 0.2\n",
                     "sets/x.toml", withAttention(true));
  EXPECT_EQ(set.temporalBankFrames, 0);
  EXPECT_EQ(parseSet(formatSet(set, "sets/x.toml"), "sets/x.toml", withAttention(true)), set);
}

TEST(SetTemporalBank, RefusesFramesOutOfRangeOrOnAModelWithoutAttention) {
  EXPECT_NE(errorOf("temporal_bank_frames = 17\n" + kScene).find("temporal_bank_frames: value 17 out of range [0, 16]"),
            std::string::npos);
  EXPECT_EQ(errorOf("temporal_bank_frames = 2\n" + kScene, withAttention(false)),
            "sets/x.toml:1:24: temporal_bank_frames: the model (models/plain) has no attention layers for a feature "
            "bank to extend");
  EXPECT_NE(errorOf(kScene + "[scene.params]\ntemporal_bank = 1.5\n").find("out of range [0, 1]"), std::string::npos);
}

TEST(SetTemporalBank, SavedOnlyWhenSet) {
  Set set = parseSet("temporal_bank_frames = 6\n" + kScene, "sets/x.toml", withAttention(true));
  EXPECT_NE(formatSet(set, "sets/x.toml").find("temporal_bank_frames = 6"), std::string::npos);
  EXPECT_EQ(parseSet(formatSet(set, "sets/x.toml"), "sets/x.toml", withAttention(true)), set);
  set.temporalBankFrames = 0;
  EXPECT_EQ(formatSet(set, "sets/x.toml").find("temporal_bank_frames"), std::string::npos);
}

}  // namespace
}  // namespace afterimage::pipeline
