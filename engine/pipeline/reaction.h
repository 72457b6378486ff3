// How a render reacts to the music, read back from its per-frame CSV
// (renderer.h): the Pearson correlation between each frame's visual change
// and its onset strength, and the mean visual change in a silent passage
// against the mean on beats. What the demo is judged on: the frames must
// change with the attacks and rest when the music does.
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace afterimage::pipeline {

struct RenderedFrame {
  double time = 0;           // seconds of the track
  double onsetStrength = 0;  // the frame's peak onset strength (frame_features.h)
  double visualChange = 0;   // mean absolute RGB change from the previous frame, 0..1
};

// The columns the measures need, by name. Throws naming the file and line
// for a missing column or a malformed row.
std::vector<RenderedFrame> readRenderCsv(const std::string& path);

struct Reaction {
  double correlation = 0;            // Pearson, visual change against onset strength
  double onBeats = 0, inSilence = 0; // mean visual change
  size_t frames = 0, beatFrames = 0, silentFrames = 0;

  double silenceShare() const;       // inSilence / onBeats (infinite without change on beats)
};

// The render's first frame (nothing to change from) is left out. A frame is
// on a beat when it is the first shown at or after one of `beats`; silent
// when its time is in [silenceFrom, silenceTo). Throws when the frames hold
// fewer than three frames, no beat or no silent frame.
Reaction measureReaction(std::span<const RenderedFrame> frames, std::span<const double> beats, double silenceFrom,
                         double silenceTo);

}  // namespace afterimage::pipeline
