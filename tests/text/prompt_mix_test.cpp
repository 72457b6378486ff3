// Prompt mixes: "a:0.7, b:0.3" weights; commas and ratios inside a prompt
// stay text.
#include "engine/text/prompt_mix.h"

#include <gtest/gtest.h>

namespace afterimage::text {
namespace {

TEST(PromptMix, PlainPromptIsOnePartWithWeightOne) {
  auto parts = parsePromptMix("a cat, detailed, 8k");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, "a cat, detailed, 8k");
  EXPECT_EQ(parts[0].weight, 1.0f);
}

TEST(PromptMix, WeightedParts) {
  auto parts = parsePromptMix("a misty forest:0.7, a neon city : 0.3");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].text, "a misty forest");
  EXPECT_FLOAT_EQ(parts[0].weight, 0.7f);
  EXPECT_EQ(parts[1].text, "a neon city");
  EXPECT_FLOAT_EQ(parts[1].weight, 0.3f);
}

TEST(PromptMix, CommasBeforeAWeightBelongToThePart) {
  auto parts = parsePromptMix("a cat, oil painting:2, a dog:-0.5, blue sky");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].text, "a cat, oil painting");
  EXPECT_FLOAT_EQ(parts[0].weight, 2.0f);
  EXPECT_EQ(parts[1].text, "a dog");
  EXPECT_FLOAT_EQ(parts[1].weight, -0.5f);
  EXPECT_EQ(parts[2].text, "blue sky");
  EXPECT_FLOAT_EQ(parts[2].weight, 1.0f);
}

TEST(PromptMix, ColonsThatAreNotWeightsStayText) {
  auto parts = parsePromptMix("16:9 frame, (masterpiece:1.2), time: noon");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, "16:9 frame, (masterpiece:1.2), time: noon");
}

TEST(PromptMix, EmptyMixIsOneEmptyPrompt) {
  auto parts = parsePromptMix("   ");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, "");
}

TEST(PromptMix, WeightWithoutPromptIsAnError) {
  EXPECT_THROW(parsePromptMix("a:0.5, :0.5"), PromptMixError);
}

}  // namespace
}  // namespace afterimage::text
