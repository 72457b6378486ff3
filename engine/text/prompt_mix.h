// Weighted prompt mixes, "a misty forest:0.7, a neon city:0.3": each part
// ends with ":<weight>" followed by a comma or the end; text between weights
// (commas included) belongs to the next part, so ordinary prompts with commas
// stay whole. A trailing part without a weight, or a string with no weight
// at all, has weight 1. A colon right after a digit ("16:9") is text. Sets blend the parts' text embeddings with these
// weights (a weighted sum; normalising is the caller's choice).
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::text {

struct WeightedPrompt {
  std::string text;
  float weight = 1.0f;
};

class PromptMixError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws PromptMixError for a weight on an empty part (":0.5" alone) or a
// non-finite weight. An empty or blank string gives one empty prompt.
std::vector<WeightedPrompt> parsePromptMix(std::string_view mix);

}  // namespace afterimage::text
