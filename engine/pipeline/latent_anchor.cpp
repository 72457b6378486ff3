#include "engine/pipeline/latent_anchor.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace afterimage::pipeline {

LatentAnchor::LatentAnchor(uint32_t channels)
    : channels_(channels),
      last_{std::vector<double>(channels), std::vector<double>(channels)},
      reference_(last_) {}

void LatentAnchor::measure(std::span<const float> latent) {
  if (channels_ == 0 || latent.size() % channels_ != 0)
    throw std::invalid_argument("LatentAnchor: " + std::to_string(latent.size()) + " values are not " +
                                std::to_string(channels_) + " channels");
  size_t plane = latent.size() / channels_;
  for (uint32_t c = 0; c < channels_; ++c) {
    auto values = latent.subspan(c * plane, plane);
    double sum = 0, squares = 0;
    for (float v : values) sum += v;
    double mean = sum / double(plane);
    for (float v : values) squares += (v - mean) * (v - mean);
    last_.mean[c] = mean, last_.deviation[c] = std::sqrt(squares / double(plane));
  }
}

void LatentAnchor::observe(std::span<const float> latent, bool fresh) {
  measure(latent);
  observed_ = true;
  if (fresh || !hasReference_) reference_ = last_, hasReference_ = true;
}

void LatentAnchor::coefficients(float amount, std::span<float> scale, std::span<float> offset) const {
  if (scale.size() != channels_ || offset.size() != channels_)
    throw std::invalid_argument("LatentAnchor: coefficients for " + std::to_string(channels_) + " channels");
  double k = std::clamp(double(amount), 0.0, 1.0);
  for (uint32_t c = 0; c < channels_; ++c) {
    if (!observed_ || k == 0.0) {
      scale[c] = 1.0f, offset[c] = 0.0f;
      continue;
    }
    double m = last_.mean[c], s = std::max(last_.deviation[c], 1e-6);
    double a = 1.0 + k * (reference_.deviation[c] / s - 1.0);
    scale[c] = float(a);
    offset[c] = float(m * (1.0 - a) + k * (reference_.mean[c] - m));
  }
}

}  // namespace afterimage::pipeline
