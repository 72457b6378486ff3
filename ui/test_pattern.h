// A moving picture computed on the CPU for testing the presenter without
// the generator (window-test): colour plasma, a bouncing disc and a bar
// that advances one step per frame. Not the show.
#pragma once
#include <cstdint>

#include "ui/frame_mailbox.h"

namespace afterimage::ui {

// Fills `frame` (resized to width x height) with the pattern at `seconds`.
void drawTestPattern(HostFrame& frame, uint32_t width, uint32_t height, double seconds, uint64_t index);

}  // namespace afterimage::ui
