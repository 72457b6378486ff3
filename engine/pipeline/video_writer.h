// Frames out of the offline renderer: an H.264 MP4 with the audio muxed in,
// through the ffmpeg program (Debian's ffmpeg package), or a PNG sequence.
// Output names ending in .mp4, .mov or .mkv are videos; anything else is a
// folder that receives frame_000000.png, ...
// Nothing replaces the user's previous output until finish() succeeds: the
// video goes to a temporary name beside it (engine/system/pending_file.h),
// the PNG frames to a temporary folder inside it; a failure removes them.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "engine/system/child_process.h"
#include "engine/system/pending_file.h"

namespace afterimage::pipeline {

struct VideoOptions {
  std::string output;
  uint32_t width = 0, height = 0;
  double fps = 30;
  std::string audioPath;  // muxed into a video, from audioStart for the frames' duration
  double audioStart = 0;
};

class VideoWriter {
 public:
  // Throws std::runtime_error: ffmpeg missing (naming the package and the
  // PNG alternative), an output folder that cannot be made, a video name
  // that is an existing folder.
  explicit VideoWriter(const VideoOptions& options);
  ~VideoWriter();  // without finish(): stops ffmpeg, removes the temporaries
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  bool isVideo() const { return ffmpeg_ != nullptr; }
  // RGBA8 rows top to bottom, width * height * 4 bytes. Throws naming
  // ffmpeg, its exit status and its log when it stopped taking frames.
  void write(std::span<const uint8_t> rgba);
  // Waits for ffmpeg, checks the video has frames, then moves it (or the
  // PNG frames) into place; throws naming ffmpeg and its log otherwise.
  void finish();
  uint64_t frames() const { return frames_; }

 private:
  [[noreturn]] void failVideo(const std::string& what);
  void probeVideo();

  VideoOptions options_;
  std::unique_ptr<system::PendingFile> video_;
  std::unique_ptr<system::ChildProcess> ffmpeg_;
  std::filesystem::path logPath_;
  std::filesystem::path framesDir_;  // PNG frames until finish()
  uint64_t frames_ = 0;
};

bool isVideoPath(const std::string& path);

}  // namespace afterimage::pipeline
