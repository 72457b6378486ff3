// The A/V offset (a set's av_offset_ms, the panel's slider, render
// --av-offset): how far the visuals run ahead of the sound, to make up for
// a projector (and scaler) that shows a picture later than the speakers
// play its sound. The frame on screen at time t shows the music of
// t + offset. Live mode and render both ask this one function.
#pragma once

namespace afterimage::pipeline {

inline double musicTimeOnScreen(double screenTime, double avOffsetMs) { return screenTime + avOffsetMs / 1000.0; }

}  // namespace afterimage::pipeline
