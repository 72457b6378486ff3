#include "ui/letterbox.h"

#include <cmath>

namespace afterimage::ui {

PixelRect letterbox(uint32_t frameWidth, uint32_t frameHeight, uint32_t windowWidth, uint32_t windowHeight) {
  if (!frameWidth || !frameHeight || !windowWidth || !windowHeight) return {0, 0, windowWidth, windowHeight};
  // Compare aspects exactly in integers; only the scaled side is rounded.
  PixelRect rect;
  if (uint64_t(windowWidth) * frameHeight > uint64_t(windowHeight) * frameWidth) {  // window wider: bars left/right
    rect.height = windowHeight;
    rect.width = uint32_t(std::lround(double(windowHeight) * frameWidth / frameHeight));
  } else {
    rect.width = windowWidth;
    rect.height = uint32_t(std::lround(double(windowWidth) * frameHeight / frameWidth));
  }
  rect.x = int32_t((windowWidth - rect.width) / 2);
  rect.y = int32_t((windowHeight - rect.height) / 2);
  return rect;
}

}  // namespace afterimage::ui
