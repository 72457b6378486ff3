// Bounds on a set file's text, checked before toml++ sees it. toml++
// recurses once per part of a dotted key or table header and per nested
// array or inline table, so a file with a key of some 35,000 parts
// overflows the stack: a crash, and in live mode (hot reload) the end of the
// show. Sets need a handful of parts and levels; the limits are generous.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace afterimage::pipeline {

constexpr size_t kMaxSetFileBytes = size_t(1) << 20;
// Dotted parts of one key or table name, and arrays/inline tables open at once.
constexpr int kMaxSetNesting = 64;

struct SetTextProblem {
  uint32_t line = 0, column = 0;  // where the limit was passed; 0: the whole text
  std::string message;
};

// The first bound `text` passes, if any. Strings and comments are skipped,
// so dots and brackets in them do not count.
std::optional<SetTextProblem> checkSetTextBounds(std::string_view text);

}  // namespace afterimage::pipeline
