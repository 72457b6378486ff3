// The labelled test set built from audio/music_synth.h, and the F-measure
// used to score beats and onsets against it.
#pragma once
#include <string>
#include <vector>

#include "audio/beat_evaluation.h"
#include "audio/music_synth.h"

namespace afterimage::audio::testing {

using audio::LabelledTrack;
using audio::synthesize;
using audio::TrackSpec;

// The beat-tracking set (beat F-measure) and the drum-only onset set.
std::vector<TrackSpec> beatSet();
std::vector<TrackSpec> drumOnlySet();

// F-measure of detections against annotations with a +-window match, both
// lists ignoring times before `ignoreBefore` seconds.
using Score = audio::BeatScore;
Score fMeasure(const std::vector<double>& detections, const std::vector<double>& annotations, double window,
               double ignoreBefore);

}  // namespace afterimage::audio::testing
