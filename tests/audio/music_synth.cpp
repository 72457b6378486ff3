#include "tests/audio/music_synth.h"

#include "audio/beat_evaluation.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace afterimage::audio::testing {

std::vector<TrackSpec> beatSet() {
  std::vector<TrackSpec> set;
  auto add = [&](std::string name, std::string pattern, double bpm) {
    TrackSpec s;
    s.name = name, s.pattern = pattern, s.bpm = bpm, s.seed = unsigned(set.size() + 1);
    set.push_back(s);
    return &set.back();
  };
  add("house_124", "house", 124);
  add("rock_96", "rock", 96);
  add("dnb_174", "dnb", 174);
  add("hiphop_swung_88", "hiphop", 88);
  add("waltz_3_4_138", "waltz", 138);
  add("funk_syncopated_108", "funk", 108);
  add("dembow_96", "dembow", 96);
  add("punk_180", "punk", 180);
  add("slow_70", "slow", 70);
  add("ramp_110_to_135", "house", 110)->endBpm = 135;
  auto* breakdown = add("breakdown_128", "house", 128);
  breakdown->breakdownFrom = 12, breakdown->breakdownTo = 22, breakdown->seconds = 34;
  add("house_124_quiet_-30dBFS", "house", 124)->peakDbfs = -30;
  add("rock_96_noisy_6dB", "rock", 96)->noiseSnrDb = 6;
  return set;
}

std::vector<TrackSpec> drumOnlySet() {
  std::vector<TrackSpec> set;
  for (auto [name, pattern, bpm] : {std::tuple{"drums_rock_96", "rock", 96.0}, std::tuple{"drums_house_124", "house", 124.0},
                                    std::tuple{"drums_hiphop_88", "hiphop", 88.0}}) {
    TrackSpec s;
    s.name = name, s.pattern = pattern, s.bpm = bpm, s.tonal = false, s.seconds = 20;
    set.push_back(s);
  }
  return set;
}

Score fMeasure(const std::vector<double>& detections, const std::vector<double>& annotations, double window,
               double ignoreBefore) {
  return beatFMeasure(detections, annotations, window, ignoreBefore);
}

}  // namespace afterimage::audio::testing
