// What the evaluation scores: the project's analyzer as used live.
#pragma once
#include <vector>

#include "audio/offline_analysis.h"

namespace afterimage::audio::testing {

inline std::vector<double> analyzeBeats(const std::vector<float>& samples, int sampleRate, double lookaheadMs) {
  return beatTimes(samples, sampleRate, lookaheadMs / 1000.0);
}
inline std::vector<double> analyzeOnsets(const std::vector<float>& samples, int sampleRate) {
  return onsetTimes(samples, sampleRate);
}

}  // namespace afterimage::audio::testing
