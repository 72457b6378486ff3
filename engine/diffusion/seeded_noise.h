// Deterministic Gaussian noise for latents, the same on every machine:
// value 2k and 2k+1 come from Box-Muller on uniforms u1 = output 2k and
// u2 = output 2k+1 of SplitMix64 seeded with `seed`, where output n is
// mix(seed + (n + 1) * 0x9E3779B97F4A7C15), uniform u = ((z >> 11) + 0.5) / 2^53,
// value 2k = sqrt(-2 ln u1) cos(2 pi u2), value 2k+1 = ... sin(2 pi u2)
// (computed in double, stored as float). Counter-based, so any element can
// be computed on its own (a shader could generate the same noise).
// tools/reference/model_scheduler.py implements the same generator.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace afterimage::diffusion {

// SplitMix64's output function (the "mix" above).
uint64_t splitMix64Mix(uint64_t z);

void fillGaussianNoise(uint64_t seed, std::span<float> out);
std::vector<float> gaussianNoise(uint64_t seed, size_t count);

// Spherical interpolation between two noise tensors, so that frames morph
// between seeds while the result keeps a Gaussian's norm (a plain lerp
// shrinks it by up to sqrt(2) halfway). out = wa * a + wb * b.
struct SlerpWeights {
  double a = 1, b = 0;
};
// cosTheta = dot(a, b) / (|a| |b|); falls back to a lerp when the two are
// (nearly) parallel.
SlerpWeights slerpWeights(double cosTheta, double t);
std::vector<float> slerp(std::span<const float> a, std::span<const float> b, double t);

}  // namespace afterimage::diffusion
