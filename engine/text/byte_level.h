// GPT-2/CLIP byte-level alphabet: every byte gets a printable Unicode
// character, so BPE merges and the vocabulary are plain text with no
// whitespace or control characters in them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::text {

// The UTF-8 encoding of the character standing for `byte`: printable Latin-1
// bytes ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) stand for themselves, the
// other 68 map to U+0100 upwards in byte order.
const std::string& byteSymbol(unsigned char byte);

// One symbol per byte of `utf8`.
std::vector<std::string> byteSymbols(std::string_view utf8);

}  // namespace afterimage::text
