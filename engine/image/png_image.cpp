#include "engine/image/png_image.h"

#include <png.h>

#include <algorithm>
#include <cmath>

namespace afterimage::image {
Image readPng(const std::string& path) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str()))
    throw ImageError(path + ": cannot read PNG: " + png.message);
  png.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, pixels.data(), 0, nullptr)) {
    std::string message = png.message;
    png_image_free(&png);
    throw ImageError(path + ": cannot decode PNG: " + message);
  }
  Image image{png.width, png.height, {}};
  size_t plane = size_t(png.width) * png.height;
  image.planar.resize(3 * plane);
  for (size_t i = 0; i < plane; ++i)
    for (size_t c = 0; c < 3; ++c) image.planar[c * plane + i] = pixels[i * 3 + c] / 255.0f;
  return image;
}

void writePng(const std::string& path, const Image& image) {
  size_t plane = size_t(image.width) * image.height;
  if (image.planar.size() != 3 * plane) throw ImageError(path + ": image has the wrong number of values");
  std::vector<uint8_t> pixels(3 * plane);
  for (size_t i = 0; i < plane; ++i)
    for (size_t c = 0; c < 3; ++c)
      pixels[i * 3 + c] = static_cast<uint8_t>(std::lround(std::clamp(image.planar[c * plane + i], 0.0f, 1.0f) * 255));
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = image.width;
  png.height = image.height;
  png.format = PNG_FORMAT_RGB;
  if (!png_image_write_to_file(&png, path.c_str(), 0, pixels.data(), 0, nullptr))
    throw ImageError(path + ": cannot write PNG: " + png.message);
}

double psnr(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height) throw ImageError("psnr: images differ in size");
  double sum = 0;
  for (size_t i = 0; i < a.planar.size(); ++i) {
    double d = std::clamp(a.planar[i], 0.0f, 1.0f) - std::clamp(b.planar[i], 0.0f, 1.0f);
    sum += d * d;
  }
  double mse = sum / a.planar.size();
  return mse > 0 ? 10.0 * std::log10(1.0 / mse) : INFINITY;
}

}  // namespace afterimage::image
