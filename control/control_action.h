// One thing a control surface asks of the show (an OSC message, a MIDI
// knob): set a parameter, cue a scene, or press one of the panel's
// buttons. Control threads push actions into a ControlQueue; the frame
// loop takes them and applies them the way it applies the panel's edits.
#pragma once
#include <mutex>
#include <vector>

#include "engine/pipeline/control_settings.h"

namespace afterimage::control {

struct ControlAction {
  pipeline::ControlVerb verb = pipeline::ControlVerb::SetParameter;
  pipeline::ParameterTarget target;  // SetParameter
  double value = 0;                  // SetParameter: the value; Blackout, Freeze: 1 on, 0 off, -1 toggle
  int scene = 0;                     // Cue

  bool operator==(const ControlAction&) const = default;
};

// Many producers (OSC, MIDI threads), one consumer (the frame loop), which
// swaps the whole list out: a short lock, never held while working.
class ControlQueue {
 public:
  void push(const ControlAction& action) {
    std::lock_guard lock(mutex_);
    if (pending_.size() < kLimit) pending_.push_back(action);
  }
  // The actions since the last call, oldest first; `out` is reused.
  void take(std::vector<ControlAction>& out) {
    out.clear();
    std::lock_guard lock(mutex_);
    out.swap(pending_);
  }

 private:
  static constexpr size_t kLimit = 4096;  // a flood while the loop stalls is cut, not stored
  std::mutex mutex_;
  std::vector<ControlAction> pending_;
};

}  // namespace afterimage::control
