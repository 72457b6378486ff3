#include "engine/cli/bench_support.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
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

std::vector<std::string> splitList(const std::string& text, char separator) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, separator)) items.push_back(item);
  return items;
}

double relativeL2(const std::vector<float>& got, const std::vector<float>& expected) {
  double error = 0, norm = 0;
  for (size_t i = 0; i < expected.size() && i < got.size(); ++i) {
    double d = double(got[i]) - expected[i];
    error += d * d, norm += double(expected[i]) * expected[i];
  }
  return got.size() == expected.size() ? std::sqrt(error / norm) : INFINITY;
}

std::vector<float> randomHalfValues(size_t count, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = nn::halfToFloat(nn::floatToHalf(uniform(rng)));
  return v;
}

void printShaderProfile(const std::vector<gpu::StageTime>& times, size_t top) {
  struct Sum {
    double milliseconds = 0;
    int dispatches = 0;
  };
  struct Dispatch {
    std::string shader, grid, block;
    double milliseconds;
  };
  std::map<std::string, Sum> sums;  // by shader
  std::vector<Dispatch> dispatches;
  Sum all;
  std::string block = "-";
  const std::string prefix = gpu::CommandSequence::kDispatchLabelPrefix;
  const std::string separator = gpu::CommandSequence::kDispatchGridSeparator;
  for (const auto& t : times) {
    if (!t.label.starts_with(prefix)) {  // a stage mark: the dispatches before it belong to it
      for (auto it = dispatches.rbegin(); it != dispatches.rend() && it->block.empty(); ++it) it->block = t.label;
      continue;
    }
    auto label = t.label.substr(prefix.size());
    auto split = label.find(separator);
    std::string shader = label.substr(0, split);
    std::string grid = split == std::string::npos ? "" : label.substr(split + separator.size());
    auto& sum = sums[shader];
    sum.milliseconds += t.milliseconds, sum.dispatches++;
    all.milliseconds += t.milliseconds, all.dispatches++;
    dispatches.push_back({shader, grid, "", t.milliseconds});
  }
  std::vector<std::pair<std::string, Sum>> sorted(sums.begin(), sums.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.milliseconds > b.second.milliseconds; });
  std::printf("GPU time per shader (%d dispatches, %.2f ms):\n", all.dispatches, all.milliseconds);
  for (size_t i = 0; i < sorted.size() && i < top; ++i) {
    const auto& [shader, sum] = sorted[i];
    std::printf("  %-32s %9.2f ms %5.1f%%  %4d dispatches, %.3f ms each\n", shader.c_str(), sum.milliseconds,
                100.0 * sum.milliseconds / std::max(all.milliseconds, 1e-9), sum.dispatches,
                sum.milliseconds / sum.dispatches);
  }
  // The same shader at its different sizes: the slowest single dispatches
  // and where they ran, to find the shapes a kernel handles badly.
  std::stable_sort(dispatches.begin(), dispatches.end(),
                   [](const Dispatch& a, const Dispatch& b) { return a.milliseconds > b.milliseconds; });
  std::printf("slowest dispatches:\n");
  for (size_t i = 0; i < dispatches.size() && i < top; ++i) {
    const auto& d = dispatches[i];
    std::printf("  %-32s %9.3f ms  groups %-14s in %s\n", d.shader.c_str(), d.milliseconds, d.grid.c_str(),
                d.block.empty() ? "-" : d.block.c_str());
  }
}

}  // namespace afterimage::cli
