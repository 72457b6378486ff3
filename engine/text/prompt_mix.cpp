#include "engine/text/prompt_mix.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace afterimage::text {
namespace {

std::string trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

// If a weight ":<number>" followed by blanks and then ',' or the end starts
// at `colon`, its value and the index just past the ',' (or the end).
bool weightAt(std::string_view mix, size_t colon, float& weight, size_t& next) {
  std::string rest(mix.substr(colon + 1));
  const char* begin = rest.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  if (end == begin) return false;
  // strtod also reads "inf", "nan" and hex; only plain decimals count as weights.
  for (const char* c = begin; c < end; ++c) {
    if (!std::isdigit(static_cast<unsigned char>(*c)) && *c != '.' && *c != '-' && *c != '+' && *c != ' ' &&
        *c != 'e' && *c != 'E') {
      return false;
    }
  }
  size_t at = colon + 1 + size_t(end - begin);
  while (at < mix.size() && std::isspace(static_cast<unsigned char>(mix[at]))) ++at;
  if (at < mix.size() && mix[at] != ',') return false;
  if (!std::isfinite(value)) return false;
  weight = float(value);
  next = at < mix.size() ? at + 1 : at;
  return true;
}

}  // namespace

std::vector<WeightedPrompt> parsePromptMix(std::string_view mix) {
  std::vector<WeightedPrompt> parts;
  size_t partStart = 0;
  for (size_t at = 0; at < mix.size(); ++at) {
    if (mix[at] != ':') continue;
    // "16:9" is a ratio inside a prompt, not a weight.
    if (at > 0 && std::isdigit(static_cast<unsigned char>(mix[at - 1]))) continue;
    float weight = 0.0f;
    size_t next = 0;
    if (!weightAt(mix, at, weight, next)) continue;
    std::string text = trim(mix.substr(partStart, at - partStart));
    if (text.empty()) {
      throw PromptMixError("prompt mix '" + std::string(mix) + "': weight at character " + std::to_string(at) +
                           " has no prompt before it");
    }
    parts.push_back({std::move(text), weight});
    partStart = next;
    at = next - 1;
  }
  std::string tail = trim(mix.substr(std::min(partStart, mix.size())));
  if (!tail.empty() || parts.empty()) parts.push_back({std::move(tail), 1.0f});
  return parts;
}

}  // namespace afterimage::text
