#include "engine/cli/bench_support.h"

#include <sstream>

#include "engine/nn/half.h"

namespace afterimage::cli {

std::vector<uint32_t> parseSizes(const std::string& text, const std::string& option) {
  std::vector<uint32_t> sizes;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    try {
      int n = std::stoi(item);
      if (n <= 0 || n > 16384) throw std::out_of_range("size");
      sizes.push_back(static_cast<uint32_t>(n));
    } catch (const std::exception&) {
      throw UsageError(option + " expects positive integers separated by commas, got '" + text + "'");
    }
  }
  return sizes;
}

std::vector<float> randomHalfValues(size_t count, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = nn::halfToFloat(nn::floatToHalf(uniform(rng)));
  return v;
}


}  // namespace afterimage::cli
