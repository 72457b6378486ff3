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

constexpr double kBeatWindow = 0.07;  // seconds

struct Reaction {
  double correlation = 0;            // Pearson, visual change against onset strength
  double onBeats = 0, inSilence = 0; // mean visual change
  size_t frames = 0, beatFrames = 0, silentFrames = 0;  // frames measured, on beats, silent

  double silenceShare() const;       // inSilence / onBeats (infinite without change on beats)
};

// The render's first frame (nothing to change from) is left out. Frames on
// a beat: those shown in the `beatWindow` seconds from one of `beats` (the
// analyzer hears an attack a few milliseconds into it, so the picture
// answers in the frame at the beat or the next; 70 ms is the usual tolerance
// of beat tracking). Silent frames: those in [silenceFrom, silenceTo).
// Throws when there are fewer than three frames, no frame on a beat or no
// silent frame.
Reaction measureReaction(std::span<const RenderedFrame> frames, std::span<const double> beats, double silenceFrom,
                         double silenceTo, double beatWindow = kBeatWindow);

}  // namespace afterimage::pipeline
