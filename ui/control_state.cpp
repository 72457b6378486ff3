#include "ui/control_state.h"

namespace afterimage::ui {

void ControlState::tap(double time) {
  tapTempo.tap(time);
  events.push_back({ControlEvent::Kind::Tap, time, -1});
}

void ControlState::cue(int scene, double time) { events.push_back({ControlEvent::Kind::Cue, time, scene}); }

}  // namespace afterimage::ui
