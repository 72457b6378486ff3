// The conditioning of models that have no text encoder (the project's own
// default model): a table of learned style tokens, styles/styles.safetensors
// (tensor "embeddings" [S, T, D]: T context tokens of width D per style) and
// styles/styles.json ({"styles": [S names in table order], ...}). A prompt
// names one style; the cross-attention context of a style is its [T, D] rows.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::models {

class StyleTableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The style a prompt names: the prompt without surrounding blanks. The one
// rule for the table's lookup and for checking a set before it plays.
std::string styleNameOf(const std::string& prompt);

// The names in a styles.json, in table order, without reading the weights
// (what a set may ask for). Throws StyleTableError naming the file and field.
std::vector<std::string> readStyleNames(const std::string& namesPath);

class StyleTable {
 public:
  // Throws StyleTableError (or nn::WeightError) naming the file and field:
  // missing "embeddings", a shape that is not [S, T, D], a name count that
  // is not S, duplicate or empty names.
  static StyleTable load(const std::string& weightsPath, const std::string& namesPath);

  uint32_t tokens() const { return tokens_; }
  uint32_t dim() const { return dim_; }
  const std::vector<std::string>& names() const { return names_; }

  // [T, D] values of `name` (surrounding blanks ignored). Throws
  // StyleTableError naming the unknown style and listing the known ones.
  std::vector<float> embedding(const std::string& name) const;

 private:
  std::string source_;
  std::vector<std::string> names_;
  uint32_t tokens_ = 0, dim_ = 0;
  std::vector<float> values_;  // [S, T, D]
};

}  // namespace afterimage::models
