// What the panel's Control section shows: one status line per control
// surface (OSC in and out, MIDI inputs, Ableton Link), the A/V offset, and
// MIDI learn's state. Plain data, filled by whoever runs the show.
#pragma once
#include <string>
#include <vector>

namespace afterimage::ui {

struct ControlLine {
  std::string text;
  bool problem = false;  // drawn as a warning: a busy port, a missing device
};

struct ControlView {
  bool shown = false;              // live mode fills it; other hosts leave the section out
  std::vector<ControlLine> lines;
  double avOffsetMs = 0;
  std::vector<std::string> learnTargets;  // what MIDI learn can bind: parameters, then actions
  std::string learning;                   // the target waiting for a MIDI message; empty: none
};

}  // namespace afterimage::ui
