#include "audio/log_filtered_flux.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace afterimage::audio {

LogFilteredFlux::LogFilteredFlux(const std::vector<float>& binHz, Options options) : options_(options) {
  if (binHz.size() < 3 || options.bandsPerOctave <= 0 || options.minHz <= 0 || options.maxHz <= options.minHz ||
      options.diffFrames < 1 || !(options.compression > 0))
    throw std::invalid_argument("LogFilteredFlux: invalid options");
  const double binWidth = binHz[1] - binHz[0];
  const int lastBin = int(binHz.size()) - 1;
  // Centre bins of log-spaced frequencies; where several fall within
  // minBandHz (the low octaves) they become one band.
  const int minStep = std::max(1, int(std::lround(options.minBandHz / binWidth)));
  std::vector<int> centres;
  for (double f = options.minHz; f <= std::min(options.maxHz, double(binHz.back())); f *= std::exp2(1.0 / options.bandsPerOctave)) {
    int bin = std::clamp(int(std::lround(f / binWidth)), 1, lastBin);
    if (centres.empty() || bin >= centres.back() + minStep) centres.push_back(bin);
  }
  for (size_t i = 1; i + 1 < centres.size(); ++i) {
    int start = centres[i - 1], centre = centres[i], stop = centres[i + 1];
    std::vector<float> w;
    for (int k = start; k < stop; ++k) {
      // Centres strictly increase, so neither side of the triangle is empty.
      double x = k <= centre ? double(k - start) / (centre - start) : double(stop - k) / (stop - centre);
      w.push_back(float(x));
    }
    double sum = 0;
    for (float v : w) sum += v;
    for (float& v : w) v = float(v / sum);  // each band the mean of its bins: wide bands do not dominate
    first_.push_back(start);
    lowBands_ += binHz[size_t(centre)] < options.lowHz;
    weight_.push_back(std::move(w));
  }
  history_.assign(size_t(options.diffFrames + 1), std::vector<float>(first_.size(), 0.0f));
}

float LogFilteredFlux::process(const float* magnitude, double scale) {
  const int n = int(first_.size()), slots = int(history_.size());
  newest_ = (newest_ + 1) % slots;
  std::vector<float>& now = history_[size_t(newest_)];
  for (int b = 0; b < n; ++b) {
    const std::vector<float>& w = weight_[size_t(b)];
    double sum = 0;
    for (size_t i = 0; i < w.size(); ++i) sum += double(w[i]) * magnitude[first_[size_t(b)] + int(i)];
    now[size_t(b)] = float(std::log10(1.0 + options_.compression * scale * sum));
  }
  const std::vector<float>& past = history_[size_t((newest_ + 1) % slots)];  // diffFrames ago
  double flux = 0, low = 0;
  for (int b = 0; b < n; ++b) {
    const float rise = std::max(0.0f, now[size_t(b)] - past[size_t(b)]);
    flux += rise;
    if (b < lowBands_) low += rise;
  }
  lowFlux_ = float(low);
  return float(flux);
}

}  // namespace afterimage::audio
