// The control panel's contents, drawn with Dear ImGui each frame as a pure
// function of the model (what the show reports) and the state (what the
// operator sets), which it edits. Needs a current ImGui frame; knows nothing
// of windows or Vulkan (ControlPanelWindow hosts it).
#pragma once
#include "ui/control_state.h"

namespace afterimage::ui {

// `now` is the presenter's clock (glfwGetTime): stamps taps and cues.
void drawControlPanel(const PanelModel& model, ControlState& state, double now);

}  // namespace afterimage::ui
