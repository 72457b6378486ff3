// The analyzer's meter on the project's synthesized music: whether the beat
// divides in two or three and how many beats a bar has, as most beats after
// the first 10 s report them (audio/offline_analysis.h), against what the
// patterns play (audio/music_synth.h): 6/8 counted in its two dotted
// quarters, a shuffle (12/8), 3/4 and straight 4/4.
#include <gtest/gtest.h>

#include "audio/music_synth.h"
#include "audio/offline_analysis.h"

namespace afterimage::audio {
namespace {

struct Case {
  const char* pattern;
  double bpm, swing;
  int subdivision, beatsPerBar;
};

TEST(Meter, SubdivisionAndBeatsPerBarOfSynthesizedMusic) {
  const Case cases[] = {
      {"sixeight", 84, -1, 3, 2}, {"sixeight", 100, -1, 3, 2},
      {"rock", 100, 1.0 / 6, 3, 4},  // the off-eighths at two thirds: a shuffle
      {"rock", 180, 1.0 / 6, 3, 4},  // fast: the flux's lag is a large share of a 24th of the beat
      {"hiphop", 92, -1, 3, 4},      // swung
      {"rock", 110, -1, 2, 4},       {"house", 124, -1, 2, 4},
      {"funk", 100, -1, 2, 4},       {"waltz", 138, -1, 2, 3},
  };
  for (const Case& c : cases) {
    TrackSpec spec;
    spec.name = c.pattern, spec.pattern = c.pattern, spec.bpm = c.bpm, spec.swing = c.swing, spec.seconds = 40;
    LabelledTrack track = synthesize(spec);
    TrackedBars bars = trackBars(track.samples, track.sampleRate, {}, 10.0);
    std::printf("%-8s %5.1f BPM: beat in %d, %d beats a bar\n", c.pattern, c.bpm, bars.subdivision, bars.beatsPerBar);
    EXPECT_EQ(bars.subdivision, c.subdivision) << c.pattern << " at " << c.bpm;
    EXPECT_EQ(bars.beatsPerBar, c.beatsPerBar) << c.pattern << " at " << c.bpm;
  }
}

}  // namespace
}  // namespace afterimage::audio
