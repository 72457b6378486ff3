// Seeded noise: the documented SplitMix64 + Box-Muller generator gives the
// same values as the Python implementation in model_scheduler.py, looks
// Gaussian, and slerp between seeds keeps the norm.
#include "engine/diffusion/seeded_noise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tests/support/golden.h"

namespace afterimage::diffusion {
namespace {

double norm(std::span<const float> v) {
  double sum = 0;
  for (float x : v) sum += double(x) * x;
  return std::sqrt(sum);
}

TEST(SeededNoise, MatchesTheReferenceGenerator) {
  testing::Golden golden("diffusion/schedulers.safetensors");
  // Both sides compute in double and round to float: equal up to libm's last bit.
  for (auto [seed, role] : {std::pair<uint64_t, const char*>{1234, "noise"}, {7, "first"}}) {
    std::vector<float> expected = golden.values("noise", role);
    std::vector<float> actual = gaussianNoise(seed, expected.size());
    double worst = 0;
    for (size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, double(std::abs(actual[i] - expected[i])));
    std::printf("seed %llu: %zu values, max abs difference %.2e (limit 1e-6)\n", (unsigned long long)seed,
                expected.size(), worst);
    EXPECT_LT(worst, 1e-6);
  }
}

TEST(SeededNoise, DeterministicAndSeedDependent) {
  EXPECT_EQ(gaussianNoise(42, 33), gaussianNoise(42, 33));
  EXPECT_NE(gaussianNoise(42, 33), gaussianNoise(43, 33));
  // Counter based: a prefix of a longer draw is the shorter draw (odd count included).
  std::vector<float> longer = gaussianNoise(42, 64);
  std::vector<float> shorter = gaussianNoise(42, 33);
  EXPECT_TRUE(std::equal(shorter.begin(), shorter.end(), longer.begin()));
}

TEST(SeededNoise, MomentsAreStandardNormal) {
  std::vector<float> noise = gaussianNoise(5, 1 << 16);
  double mean = 0, variance = 0;
  for (float x : noise) mean += x;
  mean /= noise.size();
  for (float x : noise) variance += (x - mean) * (x - mean);
  variance /= noise.size();
  std::printf("mean %.4f variance %.4f over %zu values (limits |mean| < 0.02, |var - 1| < 0.03)\n", mean, variance,
              noise.size());
  EXPECT_LT(std::abs(mean), 0.02);
  EXPECT_LT(std::abs(variance - 1.0), 0.03);
}

TEST(SeededNoise, SlerpEndsAndNorm) {
  std::vector<float> a = gaussianNoise(1, 4096), b = gaussianNoise(2, 4096);
  EXPECT_EQ(slerp(a, b, 0.0), a);
  std::vector<float> end = slerp(a, b, 1.0);
  for (size_t i = 0; i < b.size(); ++i) ASSERT_NEAR(end[i], b[i], 1e-5);
  // Nearly orthogonal Gaussian vectors: the midpoint keeps the norm (a lerp would lose ~29%).
  std::vector<float> middle = slerp(a, b, 0.5);
  double expected = 0.5 * (norm(a) + norm(b));
  std::printf("|a| %.2f |b| %.2f |slerp 0.5| %.2f (limit 2%%)\n", norm(a), norm(b), norm(middle));
  EXPECT_NEAR(norm(middle) / expected, 1.0, 0.02);
}

TEST(SeededNoise, SlerpWeightsForParallelVectorsAreLinear) {
  SlerpWeights w = slerpWeights(1.0, 0.25);
  EXPECT_DOUBLE_EQ(w.a, 0.75);
  EXPECT_DOUBLE_EQ(w.b, 0.25);
  SlerpWeights orthogonal = slerpWeights(0.0, 0.5);
  EXPECT_NEAR(orthogonal.a, std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(orthogonal.b, std::sqrt(0.5), 1e-12);
}

}  // namespace
}  // namespace afterimage::diffusion
