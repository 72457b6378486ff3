// Where a frame lands in a window when it is scaled to fill it keeping its
// aspect: centred, with black bars on the two sides that do not fit.
#pragma once
#include <cstdint>

namespace afterimage::ui {

struct PixelRect {
  int32_t x = 0, y = 0;
  uint32_t width = 0, height = 0;
};

PixelRect letterbox(uint32_t frameWidth, uint32_t frameHeight, uint32_t windowWidth, uint32_t windowHeight);

}  // namespace afterimage::ui
