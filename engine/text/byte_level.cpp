#include "engine/text/byte_level.h"

#include <array>

namespace afterimage::text {
namespace {

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
  return out;
}

bool standsForItself(int byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
}

std::array<std::string, 256> buildTable() {
  std::array<std::string, 256> table;
  char32_t next = 0x100;
  for (int byte = 0; byte < 256; ++byte) table[byte] = utf8(standsForItself(byte) ? char32_t(byte) : next++);
  return table;
}

}  // namespace

const std::string& byteSymbol(unsigned char byte) {
  static const std::array<std::string, 256> table = buildTable();
  return table[byte];
}

std::vector<std::string> byteSymbols(std::string_view utf8Text) {
  std::vector<std::string> symbols;
  symbols.reserve(utf8Text.size());
  for (char c : utf8Text) symbols.push_back(byteSymbol(static_cast<unsigned char>(c)));
  return symbols;
}

}  // namespace afterimage::text
