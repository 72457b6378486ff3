// Measures of a window's screenshot for the window tests: is it a picture
// (its luma varies), are the letterbox bars black, did it move.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/image/png_image.h"

namespace afterimage::ui::testing {

// Standard deviation of the luma of a region (columns x0..x1).
inline double lumaDeviation(const image::Image& image, uint32_t x0, uint32_t x1) {
  size_t plane = size_t(image.width) * image.height;
  double sum = 0, squares = 0;
  size_t count = 0;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = x0; x < x1; ++x) {
      size_t i = size_t(y) * image.width + x;
      double l = 0.299 * image.planar[i] + 0.587 * image.planar[plane + i] + 0.114 * image.planar[2 * plane + i];
      sum += l;
      squares += l * l;
      ++count;
    }
  }
  double mean = sum / count;
  return std::sqrt(std::max(0.0, squares / count - mean * mean));
}

// The brightest channel value in columns x0..x1.
inline double brightest(const image::Image& image, uint32_t x0, uint32_t x1) {
  size_t plane = size_t(image.width) * image.height;
  float peak = 0;
  for (int c = 0; c < 3; ++c)
    for (uint32_t y = 0; y < image.height; ++y)
      for (uint32_t x = x0; x < x1; ++x) peak = std::max(peak, image.planar[c * plane + size_t(y) * image.width + x]);
  return peak;
}

// Fraction of pixels whose colour moved by more than 0.1 in some channel.
inline double changedFraction(const image::Image& a, const image::Image& b) {
  size_t plane = size_t(a.width) * a.height, changed = 0;
  for (size_t i = 0; i < plane; ++i) {
    bool moved = false;
    for (int c = 0; c < 3; ++c) moved |= std::fabs(a.planar[c * plane + i] - b.planar[c * plane + i]) > 0.1f;
    changed += moved;
  }
  return double(changed) / plane;
}

}  // namespace afterimage::ui::testing
