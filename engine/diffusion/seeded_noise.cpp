#include "engine/diffusion/seeded_noise.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace afterimage::diffusion {
namespace {

constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

double uniform(uint64_t seed, uint64_t n) {
  return (double(splitMix64Mix(seed + (n + 1) * kGoldenGamma) >> 11) + 0.5) * 0x1.0p-53;
}

}  // namespace

uint64_t splitMix64Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void fillGaussianNoise(uint64_t seed, std::span<float> out) {
  for (size_t pair = 0; 2 * pair < out.size(); ++pair) {
    double u1 = uniform(seed, 2 * pair);
    double u2 = uniform(seed, 2 * pair + 1);
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * std::numbers::pi * u2;
    out[2 * pair] = float(radius * std::cos(angle));
    if (2 * pair + 1 < out.size()) out[2 * pair + 1] = float(radius * std::sin(angle));
  }
}

std::vector<float> gaussianNoise(uint64_t seed, size_t count) {
  std::vector<float> out(count);
  fillGaussianNoise(seed, out);
  return out;
}

SlerpWeights slerpWeights(double cosTheta, double t) {
  cosTheta = std::clamp(cosTheta, -1.0, 1.0);
  if (std::abs(cosTheta) > 0.9995) return {1.0 - t, t};
  double theta = std::acos(cosTheta);
  double sinTheta = std::sin(theta);
  return {std::sin((1.0 - t) * theta) / sinTheta, std::sin(t * theta) / sinTheta};
}

std::vector<float> slerp(std::span<const float> a, std::span<const float> b, double t) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("slerp: tensors of " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                                " values");
  }
  double dot = 0, normA = 0, normB = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    normA += double(a[i]) * a[i];
    normB += double(b[i]) * b[i];
  }
  double denominator = std::sqrt(normA * normB);
  SlerpWeights w = slerpWeights(denominator > 0 ? dot / denominator : 1.0, t);
  std::vector<float> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = float(w.a * a[i] + w.b * b[i]);
  return out;
}

}  // namespace afterimage::diffusion
