// How a render reacts to the music, read back from its per-frame CSV
// (renderer.h): the Pearson correlation between each frame's visual change
// and its onset strength, and the mean visual change in a silent passage
// against the mean on beats, the change on beats against off them, and the
// flicker: the mean change in the quiet frames. What the demo is judged on:
// the frames must change with the attacks and rest when the music does; a
// steadier path (feature bank, temporal layers) must lower the flicker
// without lowering the reaction to beats.
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
// Quiet frames: those off the beats whose onset strength is at most this
// quantile of the measured frames' (ties included, so a track with many
// frames without attacks has more quiet frames than the quantile). Beats
// are left out because a set answers them even where no attack is heard
// (the beat clock goes on through a breakdown): that change is reaction,
// not flicker.
constexpr double kQuietQuantile = 0.25;

struct Reaction {
  double correlation = 0;            // Pearson, visual change against onset strength
  double onBeats = 0, offBeats = 0, inSilence = 0;  // mean visual change
  double flicker = 0;                // mean visual change in the quiet frames
  double quietOnset = 0;             // the onset strength at or below which a frame is quiet
  size_t frames = 0, beatFrames = 0, offBeatFrames = 0, silentFrames = 0, quietFrames = 0;

  double silenceShare() const;       // inSilence / onBeats (infinite without change on beats)
  double beatRatio() const;          // onBeats / offBeats (infinite without change off beats)
};

// The render's first frame (nothing to change from) is left out. Frames on
// a beat: those shown in the `beatWindow` seconds from one of `beats` (the
// analyzer hears an attack a few milliseconds into it, so the picture
// answers in the frame at the beat or the next; 70 ms is the usual tolerance
// of beat tracking); off beats: all others. Silent frames: those in
// [silenceFrom, silenceTo) (none where silenceFrom >= silenceTo: a track
// without a known silent passage). Quiet frames: see kQuietQuantile. Throws
// when there are fewer than three frames, no frame on a beat or off them,
// or a silent passage without frames.
Reaction measureReaction(std::span<const RenderedFrame> frames, std::span<const double> beats, double silenceFrom,
                         double silenceTo, double beatWindow = kBeatWindow);

}  // namespace afterimage::pipeline
