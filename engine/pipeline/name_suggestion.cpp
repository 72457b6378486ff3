#include "engine/pipeline/name_suggestion.h"

#include <algorithm>
#include <limits>

namespace afterimage::pipeline {
namespace {

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string suggestion(std::string_view written, const std::vector<std::string>& names) {
  std::string best;
  size_t bestDistance = std::numeric_limits<size_t>::max();
  for (const std::string& name : names) {
    size_t d = editDistance(written, name);
    if (d < bestDistance) bestDistance = d, best = name;
  }
  size_t limit = std::max<size_t>(2, written.size() / 3);
  return bestDistance <= limit ? " (did you mean '" + best + "'?)" : "";
}

}  // namespace afterimage::pipeline
