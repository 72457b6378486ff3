#include "engine/pipeline/set_text_bounds.h"

namespace afterimage::pipeline {
namespace {

// Walks the text keeping line and column; skips strings and comments the
// way TOML delimits them. Exact validity is toml++'s job: this scan only
// has to never count more parts or levels than toml++ would recurse into.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return i_ >= text_.size(); }
  char peek() const { return text_[i_]; }
  bool startsWith(std::string_view s) const { return text_.substr(i_, s.size()) == s; }
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }

  void advance() {
    if (text_[i_] == '\n') ++line_, column_ = 1;
    else ++column_;
    ++i_;
  }
  void skipComment() {
    while (!done() && peek() != '\n') advance();
  }
  // At a quote: past the string it opens (to the end of the text if unclosed).
  void skipString() {
    char quote = peek();
    bool basic = quote == '"';
    std::string_view triple = basic ? "\"\"\"" : "'''";
    if (startsWith(triple)) {
      for (int k = 0; k < 3; ++k) advance();
      while (!done() && !startsWith(triple)) {
        if (basic && peek() == '\\' && i_ + 1 < text_.size()) advance();
        advance();
      }
      // """a"""" ends with a quote inside: up to two more quotes belong to it.
      for (int k = 0; k < 5 && !done() && peek() == quote; ++k) advance();
      return;
    }
    advance();
    while (!done() && peek() != quote && peek() != '\n') {
      if (basic && peek() == '\\' && i_ + 1 < text_.size() && text_[i_ + 1] != '\n') advance();
      advance();
    }
    if (!done() && peek() == quote) advance();
  }

 private:
  std::string_view text_;
  size_t i_ = 0;
  uint32_t line_ = 1, column_ = 1;
};

}  // namespace

std::optional<SetTextProblem> checkSetTextBounds(std::string_view text) {
  if (text.size() > kMaxSetFileBytes)
    return SetTextProblem{0, 0, "the set is " + std::to_string(text.size()) + " bytes; a set file may have at most " +
                                    std::to_string(kMaxSetFileBytes) + " (1 MiB)"};
  Scanner s(text);
  int depth = 0;  // arrays, inline tables and header brackets open
  int parts = 1;  // dotted parts since the last key or value boundary
  while (!s.done()) {
    char c = s.peek();
    if (c == '#') {
      s.skipComment();
      continue;
    }
    if (c == '"' || c == '\'') {
      s.skipString();
      continue;
    }
    switch (c) {
      case '[':
      case '{':
        if (++depth > kMaxSetNesting)
          return SetTextProblem{s.line(), s.column(), "arrays, inline tables or table headers nested more than " +
                                                          std::to_string(kMaxSetNesting) + " deep"};
        parts = 1;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        parts = 1;
        break;
      case '=':
      case ',':
      case '\n':
        parts = 1;
        break;
      case '.':
        // A number's decimal point counts too: one part more than a key could have, never fewer.
        if (++parts > kMaxSetNesting)
          return SetTextProblem{s.line(), s.column(), "a key or table name of more than " +
                                                          std::to_string(kMaxSetNesting) + " dotted parts"};
        break;
      default: break;
    }
    s.advance();
  }
  return std::nullopt;
}

}  // namespace afterimage::pipeline
