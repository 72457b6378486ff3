// Classifier-free guidance combine, as diffusers' pipelines do it.
#include "engine/diffusion/guidance.h"

#include <gtest/gtest.h>

#include <vector>

namespace afterimage::diffusion {
namespace {

TEST(Guidance, OnlyAboveOne) {
  EXPECT_FALSE(guidanceEnabled(0.0f));  // turbo models
  EXPECT_FALSE(guidanceEnabled(1.0f));
  EXPECT_TRUE(guidanceEnabled(7.5f));
}

TEST(Guidance, CombineMatchesFormulaAndWeights) {
  std::vector<float> uncond{1, -2, 0.5f}, cond{3, 2, 0.5f}, out(3);
  combineGuidance(uncond, cond, 7.5f, out);
  EXPECT_EQ(out, (std::vector<float>{16, 28, 0.5f}));
  GuidanceWeights w = guidanceWeights(7.5f);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_FLOAT_EQ(w.uncond * uncond[i] + w.cond * cond[i], out[i]);
  EXPECT_THROW(combineGuidance(uncond, std::vector<float>{1.0f}, 2.0f, out), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::diffusion
