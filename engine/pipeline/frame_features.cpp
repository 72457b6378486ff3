#include "engine/pipeline/frame_features.h"

#include <algorithm>
#include <stdexcept>

namespace afterimage::pipeline {

audio::FeatureSnapshot frameFeatures(std::span<const audio::FeatureSnapshot> heard) {
  if (heard.empty()) throw std::invalid_argument("frameFeatures: no snapshot");
  audio::FeatureSnapshot frame = heard.back();
  for (const audio::FeatureSnapshot& s : heard) {
    frame.flux = std::max(frame.flux, s.flux);
    frame.onsetStrength = std::max(frame.onsetStrength, s.onsetStrength);
    frame.onset = frame.onset || s.onset;
    if (s.beat && !heard.back().beat) frame.beat = true, frame.beatTime = s.beatTime;
  }
  return frame;
}

}  // namespace afterimage::pipeline
