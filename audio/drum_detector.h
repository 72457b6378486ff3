// Drums by kind: kick, snare (claps and rims too) and hi-hat hits, each
// found in its own frequency band with its own adaptive threshold, so that a
// loud hit of one kind does not mask a simultaneous one of another (a
// sub-only kick under a crash is still a kick). Causal: one spectrum per hop
// in, the hits of that hop out.
//   kick:  the rise of the 40-110 Hz level (a few bins: summed, then compressed)
//   snare: the mean rise of the bins in 1-5 kHz (the noise), counted in full
//          only when 180 Hz - 1 kHz (the body) rises too: a broadband burst
//          (a chord's few partials barely move the mean, a hat has no body)
//   hat:   the mean rise of the bins above 6 kHz
// Each band's magnitudes are compressed against that band's own recent peak
// level, so a band's hits count in proportion to what that band usually
// carries, whatever the rest of the spectrum does; each bin's rise is
// measured against its held past, which falls about as fast as a drum
// decays (the beating of a kick against the bass is not a new kick). Each
// kind's hits are then picked from its value with its own adaptive
// threshold (OnsetPicker: the recent median and peaks of that value).
#pragma once
#include <array>
#include <vector>

#include "audio/feature_snapshot.h"
#include "audio/onset_picker.h"

namespace afterimage::audio {

class DrumDetector {
 public:
  // `binHz`: the centre frequency of each spectrum bin; `amplitudeScale`
  // turns a bin's magnitude into an amplitude (full scale 1).
  DrumDetector(const std::vector<float>& binHz, float amplitudeScale, double hopSeconds);

  // One hop's magnitude spectrum (binHz.size() bins), heard up to `time`:
  // writes the drum fields of `out` (drumStrength, drumHit, and for a hit
  // drumHitTime and drumHitStrength).
  void process(const float* magnitude, double time, FeatureSnapshot& out);

 private:
  // One band's attack: its bins' magnitudes compressed against the band's
  // recent peak level, each compared with its held (slowly falling) past.
  struct Band {
    Band(const std::vector<float>& binHz, double lowHz, double highHz, bool perBin, float compression, double hopSeconds,
         double peakFallSeconds, float minLevel);
    // The rise of the band's level (perBin false; 0 while the level is under
    // minLevel of its peak) or the mean rise of its bins.
    float rise(const float* magnitude, float amplitudeScale, float holdFall);

    size_t first = 0, end = 0;  // bins
    bool perBin = false;
    float compression = 1, minLevel = 0;
    float peakFall = 1;  // per hop
    float peakLevel = 0;
    std::vector<float> held;
  };

  Band kick_, snareBody_, snareNoise_, hat_;
  float amplitudeScale_, peakFall_, holdFall_;
  std::array<OnsetPicker, DrumKindCount> pickers_;
  std::array<float, DrumKindCount> strengthPeak_{};   // recent peaks of each detection value, to scale strengths
  std::array<float, DrumKindCount> previousValue_{};
  float bodyPeak_ = 0;  // the last hop's (a hit is found one hop late, at its peak)
};

}  // namespace afterimage::audio
