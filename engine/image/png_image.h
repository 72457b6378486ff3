// RGB images as planar float [3, H, W] in [0, 1] (the layout the models
// take), read from and written to PNG files.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::image {

class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<float> planar;  // R plane, G plane, B plane
};

// Any PNG (grey, palette, alpha, 16-bit) converted to RGB; alpha is dropped.
// Throws ImageError naming the file.
Image readPng(const std::string& path);
// Values are clamped to [0, 1] and rounded to 8 bits.
void writePng(const std::string& path, const Image& image);

// Peak signal-to-noise ratio in dB of b against a (same size), values in [0, 1].
double psnr(const Image& a, const Image& b);

}  // namespace afterimage::image
