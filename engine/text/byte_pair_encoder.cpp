#include "engine/text/byte_pair_encoder.h"

#include <limits>

namespace afterimage::text {

BytePairEncoder::BytePairEncoder(const std::vector<std::pair<std::string, std::string>>& merges) {
  ranks_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) ranks_.emplace(merges[i].first + " " + merges[i].second, int(i));
}

int BytePairEncoder::rank(const std::string& left, const std::string& right) const {
  auto it = ranks_.find(left + " " + right);
  return it == ranks_.end() ? std::numeric_limits<int>::max() : it->second;
}

std::vector<std::string> BytePairEncoder::encode(std::vector<std::string> symbols) const {
  while (symbols.size() > 1) {
    int best = std::numeric_limits<int>::max();
    size_t bestAt = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      int r = rank(symbols[i], symbols[i + 1]);
      if (r < best) {
        best = r;
        bestAt = i;
      }
    }
    if (best == std::numeric_limits<int>::max()) break;
    const std::string left = symbols[bestAt];
    const std::string right = symbols[bestAt + 1];
    std::vector<std::string> merged;
    merged.reserve(symbols.size());
    for (size_t i = 0; i < symbols.size();) {
      if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
        merged.push_back(left + right);
        i += 2;
      } else {
        merged.push_back(std::move(symbols[i]));
        i += 1;
      }
    }
    symbols = std::move(merged);
  }
  return symbols;
}

}  // namespace afterimage::text
