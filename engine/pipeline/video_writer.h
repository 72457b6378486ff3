// Frames out of the offline renderer: an H.264 MP4 with the audio muxed in,
// through the ffmpeg program (Debian's ffmpeg package), or a PNG sequence.
// Output names ending in .mp4, .mov or .mkv are videos; anything else is a
// folder that receives frame_000000.png, ...
#pragma once
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

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
  // PNG alternative), an output folder that cannot be made.
  explicit VideoWriter(const VideoOptions& options);
  ~VideoWriter();  // closes without checking; call finish() to know it worked
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  bool isVideo() const { return pipe_ != nullptr; }
  // RGBA8 rows top to bottom, width * height * 4 bytes.
  void write(std::span<const uint8_t> rgba);
  // Flushes and waits for ffmpeg; throws if it failed (with its last words).
  void finish();
  uint64_t frames() const { return frames_; }

 private:
  VideoOptions options_;
  FILE* pipe_ = nullptr;
  std::string logPath_;
  uint64_t frames_ = 0;
};

bool isVideoPath(const std::string& path);

}  // namespace afterimage::pipeline
