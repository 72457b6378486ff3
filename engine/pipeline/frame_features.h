// The features one video frame reacts to, from the analyzer's snapshots heard
// since the previous frame. A frame lasts several hops (30 fps: about six at
// 44.1 kHz), and an attack's flux is high for a hop or two: the latest
// snapshot alone would miss most kicks. So the frame takes the latest
// snapshot with the attack features (flux, onset and drum strengths) at
// their peak over its window and the onset, drum-hit and beat flags of any
// hop in it. Render and live mode share it.
#pragma once
#include <span>

#include "audio/feature_snapshot.h"

namespace afterimage::pipeline {

// `heard`: the snapshots since the previous frame, oldest first (not empty).
audio::FeatureSnapshot frameFeatures(std::span<const audio::FeatureSnapshot> heard);

}  // namespace afterimage::pipeline
