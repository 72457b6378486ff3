// The keyboard shortcuts of both windows: space taps the tempo, B toggles
// blackout, F toggles freeze, 1-9 (either row) cue scenes 1-9, Esc leaves
// fullscreen.
#pragma once
#include "ui/control_state.h"

namespace afterimage::ui {

// `key` is a GLFW key code, pressed at `time`. Returns whether the key is a
// shortcut (and was applied).
bool applyShortcut(int key, double time, ControlState& state);

}  // namespace afterimage::ui
