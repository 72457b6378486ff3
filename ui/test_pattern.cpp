#include "ui/test_pattern.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace afterimage::ui {

void drawTestPattern(HostFrame& frame, uint32_t width, uint32_t height, double seconds, uint64_t index) {
  frame.resize(width, height);
  frame.time = seconds;
  const float t = float(seconds);
  // Separable plasma: one sine per column, per row and per diagonal.
  thread_local std::vector<float> columns, rows, diagonals;
  columns.resize(width);
  rows.resize(height);
  diagonals.resize(width + height);
  for (uint32_t x = 0; x < width; ++x) columns[x] = std::sin(x * 0.031f + t * 1.3f);
  for (uint32_t y = 0; y < height; ++y) rows[y] = std::sin(y * 0.043f - t * 0.9f);
  for (uint32_t d = 0; d < width + height; ++d) diagonals[d] = std::sin(d * 0.017f + t * 2.1f);

  const float discX = (0.5f + 0.4f * std::sin(t * 1.7f)) * width;
  const float discY = (0.5f + 0.4f * std::cos(t * 1.1f)) * height;
  const float radius = 0.12f * std::min(width, height);
  const uint32_t barWidth = std::max(1u, width / 32);
  const uint32_t barX = uint32_t(index % 32) * barWidth;
  const uint32_t barBottom = height / 16;

  uint8_t* out = frame.rgba.data();
  for (uint32_t y = 0; y < height; ++y) {
    for (uint32_t x = 0; x < width; ++x, out += 4) {
      float v = columns[x] + rows[y] + diagonals[x + y];  // -3..3
      float r = 0.5f + 0.5f * std::sin(v * 1.1f);
      float g = 0.5f + 0.5f * std::sin(v * 1.1f + 2.1f);
      float b = 0.5f + 0.5f * std::sin(v * 1.1f + 4.2f);
      float dx = x - discX, dy = y - discY;
      if (dx * dx + dy * dy < radius * radius) r = g = b = 1.0f;
      if (y < barBottom && x >= barX && x < barX + barWidth) r = g = b = 0.0f;
      out[0] = uint8_t(r * 255.0f + 0.5f);
      out[1] = uint8_t(g * 255.0f + 0.5f);
      out[2] = uint8_t(b * 255.0f + 0.5f);
      out[3] = 255;
    }
  }
}

}  // namespace afterimage::ui
