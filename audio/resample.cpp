#include "audio/resample.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace afterimage::audio {
namespace {

constexpr int kZeroCrossings = 16;
constexpr double kPassband = 0.95;  // of the lower Nyquist frequency: room for the window's transition
constexpr int kTableSteps = 1024;   // kernel values per input sample, interpolated linearly between

double sinc(double x) { return x == 0 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x); }

double blackman(double x) {  // x in [-1, 1]
  return 0.42 + 0.5 * std::cos(std::numbers::pi * x) + 0.08 * std::cos(2 * std::numbers::pi * x);
}

}  // namespace

std::vector<float> resample(std::span<const float> samples, int fromRate, int toRate) {
  if (fromRate <= 0 || toRate <= 0)
    throw std::invalid_argument("resample: rates must be positive, found " + std::to_string(fromRate) + " and " +
                                std::to_string(toRate));
  if (fromRate == toRate) return {samples.begin(), samples.end()};
  const double step = double(fromRate) / toRate;           // input samples per output sample
  const double cutoff = kPassband * std::min(1.0, 1.0 / step);  // in cycles per input sample, times 2
  const double halfWidth = kZeroCrossings / cutoff;         // input samples either side
  // The kernel is even: tabulated over [0, halfWidth] once, not a sine and
  // two cosines per tap.
  std::vector<double> table(size_t(std::ceil(halfWidth * kTableSteps)) + 2);
  for (size_t j = 0; j < table.size(); ++j) {
    const double d = std::min(double(j) / kTableSteps, halfWidth);
    table[j] = cutoff * sinc(cutoff * d) * blackman(d / halfWidth);
  }
  auto kernel = [&](double d) {
    const double x = std::abs(d) * kTableSteps;
    const size_t j = size_t(x);
    return table[j] + (x - double(j)) * (table[j + 1] - table[j]);
  };
  const size_t count = size_t(std::floor(double(samples.size()) / step));
  std::vector<float> out(count);
  const long long n = static_cast<long long>(samples.size());
  for (size_t i = 0; i < count; ++i) {
    const double centre = double(i) * step;
    const long long first = std::max(0LL, static_cast<long long>(std::ceil(centre - halfWidth)));
    const long long last = std::min(n - 1, static_cast<long long>(std::floor(centre + halfWidth)));
    double sum = 0;
    for (long long k = first; k <= last; ++k) sum += double(samples[size_t(k)]) * kernel(double(k) - centre);
    out[i] = float(sum);
  }
  return out;
}

}  // namespace afterimage::audio
