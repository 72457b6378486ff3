// The control panel's Control section: OSC, MIDI and Link status lines,
// the A/V offset, and MIDI learn (pick a target, then move a knob). Edits
// become ControlState events, as the rest of the panel's do.
#pragma once
#include "ui/control_state.h"

namespace afterimage::ui {

void drawControlSection(const ControlView& view, ControlState& state, double now);

}  // namespace afterimage::ui
