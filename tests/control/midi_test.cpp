// MIDI through the message layer: bytes decoded, bindings applied (curve
// and range, channels and devices, verbs once per press), MIDI learn making
// the binding a moved knob names and the set keeping it, MIDI clock's
// tempo. Then RtMidi over an ALSA virtual port where the machine has the
// sequencer (/dev/snd/seq); that one test skips elsewhere.
#include <gtest/gtest.h>
#include <rtmidi/RtMidi.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "control/midi_inputs.h"
#include "control/midi_router.h"
#include "engine/pipeline/set_edit.h"
#include "engine/pipeline/set_file.h"

namespace afterimage::control {
namespace {

using pipeline::ControlVerb;
using pipeline::MidiBinding;
using pipeline::Parameter;
using Bytes = std::vector<uint8_t>;

std::vector<ControlAction> taken(ControlQueue& queue) {
  std::vector<ControlAction> out;
  queue.take(out);
  return out;
}

const char* kSet = R"(
[[midi]]
cc = 16
channel = 1
target = "zoom"
range = [1, 3]
curve = "smoothstep"

[[midi]]
cc = 17
target = "strength"

[[midi]]
note = 36
device = "Pads"
action = "blackout"

[[midi]]
cc = 64
action = "cue"
scene = 1

[[scene]]
prompt = "plasma:0.7, tunnel:0.3"

[[scene]]
prompt = "ink"
)";

TEST(MidiMessage, DecodesChannelAndRealTimeMessages) {
  using Kind = MidiMessage::Kind;
  EXPECT_EQ(decodeMidi(Bytes{0xB0, 16, 127}), (MidiMessage{Kind::ControlChange, 1, 16, 127}));
  EXPECT_EQ(decodeMidi(Bytes{0x9F, 36, 100}), (MidiMessage{Kind::NoteOn, 16, 36, 100}));
  EXPECT_EQ(decodeMidi(Bytes{0x90, 36, 0}).kind, Kind::NoteOff);  // velocity 0
  EXPECT_EQ(decodeMidi(Bytes{0x80, 36, 64}).kind, Kind::NoteOff);
  EXPECT_EQ(decodeMidi(Bytes{0xF8}).kind, Kind::Clock);
  EXPECT_EQ(decodeMidi(Bytes{0xFA}).kind, Kind::Start);
  EXPECT_EQ(decodeMidi(Bytes{0xE0, 0, 64}).kind, Kind::Other);  // pitch bend
  EXPECT_EQ(decodeMidi(Bytes{0xB0, 16}).kind, Kind::Other);     // cut short
}

TEST(MidiMapping, AKnobSetsItsParameterThroughCurveAndRange) {
  ControlQueue queue;
  MidiRouter router(queue);
  router.setBindings(pipeline::parseSet(kSet, "m.toml").midi);
  router.receive("nanoKONTROL2", Bytes{0xB0, 16, 0}, 0);
  router.receive("nanoKONTROL2", Bytes{0xB0, 16, 127}, 0);
  router.receive("nanoKONTROL2", Bytes{0xB0, 16, 32}, 0);
  router.receive("nanoKONTROL2", Bytes{0xB1, 16, 127}, 0);  // channel 2: not bound
  router.receive("nanoKONTROL2", Bytes{0xBF, 17, 127}, 0);  // any channel
  auto actions = taken(queue);
  ASSERT_EQ(actions.size(), 4u);
  EXPECT_EQ(actions[0].target, (pipeline::ParameterTarget{Parameter::Zoom, -1}));
  EXPECT_DOUBLE_EQ(actions[0].value, 1.0);
  EXPECT_DOUBLE_EQ(actions[1].value, 3.0);
  double x = 32.0 / 127;
  EXPECT_NEAR(actions[2].value, 1 + 2 * x * x * (3 - 2 * x), 1e-12);  // smoothstep
  EXPECT_EQ(actions[3].target.parameter, Parameter::Strength);
  EXPECT_DOUBLE_EQ(actions[3].value, 1.0);  // strength's own range, 0..1
}

TEST(MidiMapping, ActionsFireOncePerPressAndOnlyFromTheirDevice) {
  ControlQueue queue;
  MidiRouter router(queue);
  router.setBindings(pipeline::parseSet(kSet, "m.toml").midi);
  router.receive("Launchpad", Bytes{0x90, 36, 100}, 0);  // not "Pads"
  EXPECT_TRUE(taken(queue).empty());
  router.receive("Drum Pads MIDI 1", Bytes{0x90, 36, 100}, 0);
  router.receive("Drum Pads MIDI 1", Bytes{0x80, 36, 0}, 0);
  router.receive("Drum Pads MIDI 1", Bytes{0x90, 36, 90}, 0);
  auto pads = taken(queue);
  ASSERT_EQ(pads.size(), 2u);
  EXPECT_EQ(pads[0], (ControlAction{ControlVerb::Blackout, {}, -1, 0}));  // toggles
  // A knob on a cue: once when it passes the middle going up, not while it stays there.
  for (int v : {10, 70, 90, 127, 30, 100}) router.receive("any", Bytes{0xB0, 64, uint8_t(v)}, 0);
  auto cues = taken(queue);
  ASSERT_EQ(cues.size(), 2u);
  EXPECT_EQ(cues[0], (ControlAction{ControlVerb::Cue, {}, 0, 1}));
}

TEST(MidiLearn, TheNextKnobMovedIsBoundAndTheSetKeepsIt) {
  ControlQueue queue;
  MidiRouter router(queue);
  pipeline::Set set = pipeline::parseSet(kSet, "m.toml");
  router.setBindings(set.midi);
  std::vector<std::string> targets = learnTargets(2, 2);
  EXPECT_NE(std::find(targets.begin(), targets.end(), "prompt.1.weight"), targets.end());
  EXPECT_NE(std::find(targets.begin(), targets.end(), "cue 1"), targets.end());
  EXPECT_NE(std::find(targets.begin(), targets.end(), "tap"), targets.end());

  router.learn("prompt.1.weight");
  router.receive("nanoKONTROL2", Bytes{0xF8}, 0);          // the clock is not a knob
  router.receive("nanoKONTROL2", Bytes{0xB2, 21, 90}, 0);  // cc 21 on channel 3
  EXPECT_TRUE(taken(queue).empty()) << "a learnt move does nothing else";
  EXPECT_EQ(router.learning(), "");
  auto learned = router.takeLearned();
  ASSERT_TRUE(learned);
  EXPECT_EQ(learned->message, MidiBinding::Message::ControlChange);
  EXPECT_EQ(learned->number, 21);
  EXPECT_EQ(learned->channel, 3);
  EXPECT_EQ(learned->device, "nanoKONTROL2");
  EXPECT_EQ(learned->target, (pipeline::ParameterTarget{Parameter::PromptWeight, 1}));

  // Into the set (as live mode does), saved and read back, and from then on mapped.
  pipeline::Set edited = pipeline::withMidiBinding(set, *learned);
  pipeline::Set again = pipeline::parseSet(pipeline::formatSet(edited, "m.toml"), "m.toml");
  ASSERT_EQ(again.midi.size(), 5u);
  EXPECT_EQ(again.midi.back(), *learned);
  router.setBindings(again.midi);
  router.receive("nanoKONTROL2", Bytes{0xB2, 21, 127}, 0);
  auto actions = taken(queue);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].target, (pipeline::ParameterTarget{Parameter::PromptWeight, 1}));
  EXPECT_DOUBLE_EQ(actions[0].value, 4.0);  // a prompt weight's whole range is -4..4

  router.learn("cue 1");
  router.receive("Pads", Bytes{0x99, 40, 127}, 0);
  learned = router.takeLearned();
  ASSERT_TRUE(learned);
  EXPECT_EQ(learned->message, MidiBinding::Message::Note);
  EXPECT_EQ(learned->verb, ControlVerb::Cue);
  EXPECT_EQ(learned->scene, 1);
  EXPECT_FALSE(learnBinding(decodeMidi(Bytes{0xB0, 1, 1}), "x", "no such thing"));
}

TEST(MidiClock, TwentyFourTicksAQuarterNoteGiveTheTempo) {
  ControlQueue queue;
  MidiRouter router(queue);
  double interval = 60.0 / (128.0 * 24);
  router.receive("clock", Bytes{0xF8}, 0);
  EXPECT_EQ(router.clockBpm(0), 0) << "off unless the set takes the MIDI clock";
  router.setClock(true);
  router.receive("clock", Bytes{0xFA}, 0);
  // USB-like jitter of +-1 ms on each tick.
  double t = 10;
  for (int i = 0; i < 96; ++i, t += interval) router.receive("clock", Bytes{0xF8}, t + (i % 2 ? 0.001 : -0.001));
  double last = t - interval;
  EXPECT_NEAR(router.clockBpm(last), 128.0, 0.05);
  EXPECT_NEAR(router.clockBeatTime(), 10 + 72 * interval + 0.001 * (72 % 2 ? 1 : -1), 1e-9);  // tick 72: a beat
  EXPECT_EQ(router.clockBpm(last + 1.0), 0) << "a stopped clock is no tempo";
}

// RtMidi over ALSA: a virtual output port opened by the test is found by
// name, and a control change sent through it reaches the router. Without
// the sequencer, what the panel shows instead: a line saying so.
TEST(MidiInputs, AVirtualAlsaPortIsOpenedByNameAndItsMessagesArrive) {
  if (access("/dev/snd/seq", R_OK | W_OK) != 0) {
    MidiInputs inputs([](std::string_view, std::span<const uint8_t>) {});
    inputs.refresh({"nanoKONTROL2"});
    ASSERT_EQ(inputs.lines().size(), 1u);
    EXPECT_TRUE(inputs.lines()[0].problem);
    EXPECT_NE(inputs.lines()[0].text.find("no ALSA sequencer"), std::string::npos);
    std::printf("no ALSA sequencer (/dev/snd/seq) here: only its status line is checked\n");
    return;
  }
  ControlQueue queue;
  MidiRouter router(queue);
  router.setBindings(pipeline::parseSet(kSet, "m.toml").midi);
  RtMidiOut out(RtMidi::LINUX_ALSA, "afterimage test");
  out.openVirtualPort("afterimage-test-knobs");
  MidiInputs inputs([&](std::string_view port, std::span<const uint8_t> bytes) { router.receive(port, bytes, 0); });
  inputs.refresh({"afterimage-test-knobs"});
  ASSERT_FALSE(inputs.lines().at(0).problem) << inputs.lines()[0].text;
  std::vector<unsigned char> knob = {0xB0, 16, 127};
  std::vector<ControlAction> actions;
  for (int i = 0; i < 200 && actions.empty(); ++i) {
    out.sendMessage(&knob);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    actions = taken(queue);
  }
  ASSERT_FALSE(actions.empty());
  EXPECT_DOUBLE_EQ(actions[0].value, 3.0);
}

}  // namespace
}  // namespace afterimage::control
