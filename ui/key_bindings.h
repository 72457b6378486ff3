// The keyboard shortcuts of both windows: space taps the tempo, B toggles
// blackout, F toggles freeze, 1-9 (either row) cue scenes 1-9, Esc leaves
// fullscreen, Ctrl+S saves the set, Ctrl+R starts or stops recording.
#pragma once
#include "ui/control_state.h"

namespace afterimage::ui {

// `key` is a GLFW key code, pressed at `time` with the GLFW modifier bits
// `mods`. Returns whether the key is a shortcut (and was applied).
bool applyShortcut(int key, double time, ControlState& state, int mods = 0);

}  // namespace afterimage::ui
