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
    frame.sectionChange = frame.sectionChange || s.sectionChange;
    for (size_t k = 0; k < frame.drumStrength.size(); ++k) {
      frame.drumStrength[k] = std::max(frame.drumStrength[k], s.drumStrength[k]);
      frame.drumHit[k] = frame.drumHit[k] || s.drumHit[k];
    }
    if (s.beat && !heard.back().beat) frame.beat = true, frame.beatTime = s.beatTime;
  }
  return frame;
}

}  // namespace afterimage::pipeline
