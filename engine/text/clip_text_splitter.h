// Prompt text to CLIP words, as Hugging Face's CLIPTokenizer (tokenizers
// backend) does it: Unicode NFC, lowercase one code point at a time (so a
// final capital sigma becomes σ, not ς), then split with
//   <special tokens> | 's|'t|'re|'ve|'m|'ll|'d | \p{L}+ | \p{N} | [^\s\p{L}\p{N}]+
// keeping the matches and dropping the rest (Unicode White_Space). Special
// token strings (bos, eos, pad, unk: SD 2.x's pad "!" included) are cut out
// first, longest match first, and become their own words.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::text {

struct ClipWord {
  std::string text;  // UTF-8
  bool special = false;
};

// NFC and per-code-point lowercase; invalid UTF-8 becomes U+FFFD.
std::string normalizeClipText(std::string_view utf8);

// Splits already normalized text.
std::vector<ClipWord> splitClipWords(std::string_view normalized, const std::vector<std::string>& specialTokens);

}  // namespace afterimage::text
