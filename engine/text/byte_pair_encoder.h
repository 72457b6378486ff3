// Byte-pair encoding with ranked merges (OpenAI's CLIP/GPT-2 loop): merge the
// lowest-ranked adjacent pair everywhere it occurs, left to right, until no
// adjacent pair has a rank.
#pragma once
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace afterimage::text {

class BytePairEncoder {
 public:
  // merges[i] has rank i (the order of merges.txt).
  explicit BytePairEncoder(const std::vector<std::pair<std::string, std::string>>& merges);

  std::vector<std::string> encode(std::vector<std::string> symbols) const;
  size_t mergeCount() const { return ranks_.size(); }

 private:
  int rank(const std::string& left, const std::string& right) const;

  // Key "left right": symbols never contain a space (byte-level alphabet).
  std::unordered_map<std::string, int> ranks_;
};

}  // namespace afterimage::text
