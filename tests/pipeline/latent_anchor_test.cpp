// The colour anchor's coefficients: identity before anything is observed
// and at amount 0; at amount 1 the observed per-channel statistics map onto
// the reference's exactly; a fresh frame replaces the reference.
#include "engine/pipeline/latent_anchor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace afterimage::pipeline {
namespace {

// Two channels of four values: channel c is {base + spread * (-1.5, -0.5, 0.5, 1.5)}.
std::vector<float> latent(float base0, float spread0, float base1, float spread1) {
  std::vector<float> v;
  for (auto [base, spread] : {std::pair{base0, spread0}, {base1, spread1}})
    for (float step : {-1.5f, -0.5f, 0.5f, 1.5f}) v.push_back(base + spread * step);
  return v;
}

std::vector<float> apply(const LatentAnchor& anchor, float amount, const std::vector<float>& x) {
  std::vector<float> scale(2), offset(2), y(x.size());
  anchor.coefficients(amount, scale, offset);
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale[i / 4] + offset[i / 4];
  return y;
}

TEST(LatentAnchor, IdentityBeforeObservingAndAtAmountZero) {
  LatentAnchor anchor(2);
  auto x = latent(0.5f, 1.0f, -0.2f, 0.3f);
  EXPECT_EQ(apply(anchor, 1.0f, x), x);
  anchor.observe(x, true);
  anchor.observe(latent(2.0f, 3.0f, 1.0f, 0.1f), false);
  EXPECT_EQ(apply(anchor, 0.0f, x), x);
}

TEST(LatentAnchor, AmountOneRestoresTheReferenceStatistics) {
  LatentAnchor anchor(2);
  auto reference = latent(0.5f, 1.0f, -0.2f, 0.3f);
  anchor.observe(reference, true);
  auto drifted = latent(2.0f, 3.0f, 1.0f, 0.1f);
  anchor.observe(drifted, false);
  auto back = apply(anchor, 1.0f, drifted);
  for (size_t i = 0; i < back.size(); ++i) EXPECT_NEAR(back[i], reference[i], 1e-5) << i;
  // Half way: means and deviations half way (the pattern within a channel is kept).
  auto half = apply(anchor, 0.5f, drifted), expected = latent(1.25f, 2.0f, 0.4f, 0.2f);
  for (size_t i = 0; i < half.size(); ++i) EXPECT_NEAR(half[i], expected[i], 1e-5) << i;
}

TEST(LatentAnchor, AFreshFrameBecomesTheReferenceAndResetForgetsIt) {
  LatentAnchor anchor(2);
  anchor.observe(latent(0.5f, 1.0f, -0.2f, 0.3f), true);
  auto fresh = latent(-1.0f, 0.5f, 0.0f, 2.0f);
  anchor.observe(fresh, true);
  anchor.observe(latent(3.0f, 1.0f, 3.0f, 1.0f), false);
  auto back = apply(anchor, 1.0f, latent(3.0f, 1.0f, 3.0f, 1.0f));
  for (size_t i = 0; i < back.size(); ++i) EXPECT_NEAR(back[i], fresh[i], 1e-5) << i;
  anchor.reset();
  auto x = latent(3.0f, 1.0f, 3.0f, 1.0f);
  EXPECT_EQ(apply(anchor, 1.0f, x), x);
  EXPECT_THROW(anchor.observe(std::vector<float>(7), false), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::pipeline
