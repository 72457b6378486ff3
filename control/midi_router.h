// Where MIDI bytes go, from any device thread: to MIDI learn when the panel
// waits for a knob, else through the set's bindings (midi_mapping.h) into
// the ControlQueue; clock messages to the MIDI clock tempo when the set
// takes its tempo from there. Thread-safe; the frame loop sets bindings and
// learn targets and takes what was learned.
#pragma once
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_action.h"
#include "control/midi_clock.h"
#include "control/midi_mapping.h"

namespace afterimage::control {

class MidiRouter {
 public:
  explicit MidiRouter(ControlQueue& queue) : queue_(queue) {}

  void setBindings(const std::vector<pipeline::MidiBinding>& bindings);
  void setClock(bool enabled);
  // The next control change or note-on is bound to `target` (a learnTargets
  // name); "" cancels.
  void learn(std::string target);
  std::string learning() const;
  std::optional<pipeline::MidiBinding> takeLearned();

  // One message from `device` at time t (seconds, steady clock).
  void receive(std::string_view device, std::span<const uint8_t> bytes, double t);

  // The MIDI clock's tempo (0: none) and its last beat's time.
  double clockBpm(double now) const;
  double clockBeatTime() const;
  uint64_t received() const;

 private:
  ControlQueue& queue_;
  mutable std::mutex mutex_;
  MidiMapper mapper_;
  bool clockEnabled_ = false;
  MidiClockTempo clock_;
  std::string learning_;
  std::optional<pipeline::MidiBinding> learned_;
  std::vector<ControlAction> actions_;
  uint64_t received_ = 0;
};

}  // namespace afterimage::control
