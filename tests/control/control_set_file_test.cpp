// The set's control tables: [control] (OSC, MIDI inputs, Link), the
// [[midi]] bindings and av_offset_ms read field by field, written back
// equal, and each mistake named with its file, line and field.
#include <gtest/gtest.h>

#include "engine/pipeline/set_edit.h"
#include "engine/pipeline/set_file.h"

namespace afterimage::pipeline {
namespace {

const char* kControlled = R"(bpm = 124
av_offset_ms = 45

[control]
osc_port = 9000
osc_send = ["127.0.0.1:9001", "lights.local:7000"]
midi_inputs = ["nanoKONTROL2"]
midi_clock = true
link = "lead"

[[midi]]
cc = 16
channel = 1
target = "strength"
range = [0.2, 0.9]
curve = "exp"

[[midi]]
note = 36
device = "Launchpad"
action = "cue"
scene = 1

[[midi]]
cc = 45
action = "tap"

[[scene]]
prompt = "plasma:0.7, tunnel:0.3"

[[scene]]
prompt = "ink"
)";

std::string errorOf(const std::string& text) {
  try {
    parseSet(text, "c.toml");
  } catch (const SetError& e) {
    return e.what();
  }
  return "";
}

TEST(ControlSetFile, ReadsEveryField) {
  Set set = parseSet(kControlled, "c.toml");
  EXPECT_EQ(set.control.avOffsetMs, 45);
  EXPECT_EQ(set.control.oscPort, 9000);
  EXPECT_EQ(set.control.oscSend, (std::vector<std::string>{"127.0.0.1:9001", "lights.local:7000"}));
  EXPECT_EQ(set.control.midiInputs, (std::vector<std::string>{"nanoKONTROL2"}));
  EXPECT_TRUE(set.control.midiClock);
  EXPECT_EQ(set.control.link, LinkMode::Lead);
  ASSERT_EQ(set.midi.size(), 3u);
  const MidiBinding& knob = set.midi[0];
  EXPECT_EQ(knob.message, MidiBinding::Message::ControlChange);
  EXPECT_EQ(knob.number, 16);
  EXPECT_EQ(knob.channel, 1);
  EXPECT_EQ(knob.verb, ControlVerb::SetParameter);
  EXPECT_EQ(knob.target, (ParameterTarget{Parameter::Strength, -1}));
  EXPECT_EQ(*knob.low, 0.2);
  EXPECT_EQ(*knob.high, 0.9);
  EXPECT_EQ(knob.curve, Curve::Exp);
  EXPECT_EQ(set.midi[1].message, MidiBinding::Message::Note);
  EXPECT_EQ(set.midi[1].device, "Launchpad");
  EXPECT_EQ(set.midi[1].verb, ControlVerb::Cue);
  EXPECT_EQ(set.midi[1].scene, 1);
  EXPECT_EQ(set.midi[2].verb, ControlVerb::Tap);
  EXPECT_EQ(set.midi[2].channel, 0);  // any
}

TEST(ControlSetFile, SavedAndReadBackEqual) {
  Set set = parseSet(kControlled, "c.toml");
  Set again = parseSet(formatSet(set, "c.toml"), "c.toml");
  EXPECT_EQ(again, set);
  // A set without them writes none of it.
  Set plain = parseSet("[[scene]]\nprompt = \"ink\"\n", "p.toml");
  std::string text = formatSet(plain, "p.toml");
  EXPECT_EQ(text.find("[control]"), std::string::npos);
  EXPECT_EQ(text.find("av_offset_ms"), std::string::npos);
}

TEST(ControlSetFile, MistakesNameFileLineAndField) {
  std::string scene = "\n[[scene]]\nprompt = \"ink\"\n";
  EXPECT_NE(errorOf("[[midi]]\ncc = 1\nnote = 2\ntarget = \"zoom\"\n" + scene).find("c.toml:3:8: midi[0].note: give cc or note, not both"),
            std::string::npos);
  EXPECT_NE(errorOf("[[midi]]\ncc = 200\ntarget = \"zoom\"\n" + scene).find("midi[0].cc: value 200 out of range [0, 127]"),
            std::string::npos);
  EXPECT_NE(errorOf("[[midi]]\ncc = 1\naction = \"tapp\"\n" + scene).find("unknown action 'tapp' (did you mean 'tap'?)"),
            std::string::npos);
  EXPECT_NE(errorOf("[[midi]]\ncc = 1\n" + scene).find("midi[0].target: missing"), std::string::npos);
  EXPECT_NE(errorOf("[[midi]]\ncc = 1\naction = \"cue\"\nscene = 4\n" + scene).find("midi[0].scene: value 4 out of range [0, 0]"),
            std::string::npos);
  EXPECT_NE(errorOf("[[midi]]\ncc = 1\ntarget = \"zoom\"\nchannel = 0\n" + scene).find("midi[0].channel: value 0 out of range [1, 16]"),
            std::string::npos);
  EXPECT_NE(errorOf("[control]\nosc_send = [\"nohost\"]\n" + scene).find("c.toml:2:13: control.osc_send: 'nohost' is not host:port"),
            std::string::npos);
  EXPECT_NE(errorOf("[control]\nlink = \"leader\"\n" + scene).find("unknown Link mode 'leader'"), std::string::npos);
  EXPECT_NE(errorOf("[control]\nosc_prot = 9000\n" + scene).find("control.osc_prot: unknown key (did you mean 'osc_port'?)"),
            std::string::npos);
  EXPECT_NE(errorOf("av_offset_ms = 5000\n" + scene).find("av_offset_ms: value 5000 out of range [-2000, 2000]"),
            std::string::npos);
}

TEST(ControlSetFile, ParameterEditsClampAndMidiLearnReplacesTheSameControl) {
  Set set = parseSet(kControlled, "c.toml");
  ParameterValue values[] = {{{Parameter::Zoom, -1}, 9.0}, {{Parameter::PromptWeight, 1}, 0.5}};
  Set edited = withSceneParameters(set, 0, values);
  EXPECT_EQ(edited.scenes[0].params[size_t(Parameter::Zoom)], 4.0);  // zoom's maximum
  EXPECT_EQ(edited.scenes[0].prompts[1].weight, 0.5);
  ParameterValue missing[] = {{{Parameter::PromptWeight, 3}, 0.5}};
  EXPECT_THROW(withSceneParameters(set, 1, missing), SetError);

  MidiBinding learned;
  learned.number = 16, learned.channel = 1;
  learned.target = {Parameter::Zoom, -1};
  Set relearned = withMidiBinding(set, learned);
  ASSERT_EQ(relearned.midi.size(), 3u);
  EXPECT_EQ(relearned.midi.back().target, (ParameterTarget{Parameter::Zoom, -1}));
}

}  // namespace
}  // namespace afterimage::pipeline
