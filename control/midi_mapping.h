// The set's [[midi]] bindings applied to incoming messages, as a pure
// object: a message from a device becomes the actions of every binding it
// matches. A parameter binding maps the value (0..127; a note's velocity,
// 0 when released) through its curve onto its range; a verb binding fires
// when a controller crosses the middle upwards or a note is pressed. Also
// MIDI learn: the binding a message makes for a target the panel picked.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_action.h"
#include "control/midi_message.h"

namespace afterimage::control {

class MidiMapper {
 public:
  explicit MidiMapper(std::vector<pipeline::MidiBinding> bindings = {});
  const std::vector<pipeline::MidiBinding>& bindings() const { return bindings_; }

  // Appends the actions of the bindings `message` from `device` matches.
  void map(const MidiMessage& message, std::string_view device, std::vector<ControlAction>& out);

 private:
  std::vector<pipeline::MidiBinding> bindings_;
  std::vector<bool> high_;  // per binding: the controller was at or above the middle
};

// What MIDI learn can bind: every parameter (prompt weights of the first
// `prompts` prompts), then the verbs ("tap", "blackout", "freeze",
// "next_scene", "cue 0", "cue 1", ... up to `scenes`).
std::vector<std::string> learnTargets(int prompts, int scenes);

// The binding a control change or note-on from `device` makes for a learn
// target, on its channel and from that device; nullopt for other messages
// or an unknown target.
std::optional<pipeline::MidiBinding> learnBinding(const MidiMessage& message, std::string_view device,
                                                   std::string_view target);

}  // namespace afterimage::control
