// The control panel's Outputs section: the calibration grid switch, per
// output a small picture of its window with the four corner-pin handles to
// drag (a corner pin starts from the whole window at the first drag), the
// soft edges, "Save venue", and recording and streaming with their counts.
#pragma once
#include "ui/control_state.h"

namespace afterimage::ui {

void drawOutputsSection(const PanelModel& model, ControlState& state, double now);

}  // namespace afterimage::ui
