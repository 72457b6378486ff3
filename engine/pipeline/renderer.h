// Offline render of a set over a track: a fixed frame clock, the live
// mode's analyzer and its Show (conductor and generator, show.h), frames
// and audio into a video (or PNG frames), and a CSV row per frame of the
// features (the frame's: frame_features.h) and of how much the picture
// changed (reaction.h reads it back).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace afterimage::pipeline {

struct RenderOptions {
  std::string setPath, audioPath, output;
  std::string csvPath;     // empty: output + ".csv" (in the folder for PNG frames)
  std::string modelDir;    // overrides the set's model
  std::string taeDir;
  double fps = 30;
  uint32_t width = 0, height = 0;  // 0: the set's size
  double from = 0, to = -1;        // seconds of the track; to < 0: its end
  std::string gpu;
  std::optional<double> avOffsetMs;  // --av-offset: instead of the set's av_offset_ms
};

struct RenderProgress {
  uint64_t frame = 0, frames = 0;
  double elapsedSeconds = 0;
};

struct RenderResult {
  uint64_t frames = 0;
  double seconds = 0;      // wall time
  std::string csvPath;
};

// Throws with a message naming the file and field for a broken set, a
// missing model or track, or ffmpeg failing; the caller exits non-zero.
RenderResult render(const RenderOptions& options, const std::function<void(const RenderProgress&)>& progress = {});

}  // namespace afterimage::pipeline
