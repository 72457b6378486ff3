// What the audience sees (the picture before the outputs' warp: the frame
// on show, crossfaded and dimmed as the outputs show it), sent to ffmpeg at
// a steady rate: a recording with the input audio, or a stream (targets and
// arguments: ui/video_out_target.h).
//
// The presenter never waits for it: offer() copies a new frame into one of
// a few reused buffers and queues a reference (a bounded queue); a thread
// of its own blends and writes to ffmpeg. When the encoder falls behind and
// the queue is full, the picture offered is not recorded: the frame before
// it is repeated in its place (the recording keeps time with the audio)
// and counted as dropped.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ui/audio_tap.h"
#include "ui/frame_mailbox.h"

namespace afterimage::ui {

struct VideoOutOptions {
  enum class Kind { Recording, Stream } kind = Kind::Recording;
  std::string target;      // Recording: the file (a free name is chosen: NAME-2.mp4...); Stream: the address
  double fps = 30;         // frames a second written, whatever the presenter's rate
  AudioTap* audio = nullptr;  // Recording: the input audio (none: a silent track)
  std::vector<std::filesystem::path> taken;  // Recording: names earlier recordings use (maybe still muxing)
};

struct VideoOutStatus {
  std::string target;      // the file being written, or the stream address
  bool running = false;    // taking frames
  bool finished = false;   // stopped and done (the file is in place, or the error says why)
  uint64_t frames = 0;     // written to ffmpeg (repeats included)
  uint64_t dropped = 0;    // pictures not recorded because the encoder was behind
  std::string error;       // empty while all is well
};

class VideoOut {
 public:
  // Starts nothing until the first frame (its size sizes the video).
  // Throws std::invalid_argument for a stream target of the wrong form.
  explicit VideoOut(const VideoOutOptions& options);
  // Stops and waits for the writer: the recording is finished (muxed and in
  // place) before it returns.
  ~VideoOut();
  VideoOut(const VideoOut&) = delete;
  VideoOut& operator=(const VideoOut&) = delete;

  // The presenter's side, once a presented step: the frame on show (null:
  // none yet), the time it came, the crossfade and blackout as the outputs
  // apply them. Never blocks on the encoder.
  void offer(const HostFrame* frame, double frameArrived, float crossfadeSeconds, float brightness, double now);
  // No more frames; the writer finishes in the background (status().finished).
  void stop();
  VideoOutStatus status() const;
  // After stop(): waits until the writer has finished (the file is in place).
  void wait();

 private:
  struct Picture {
    uint32_t width = 0, height = 0;
    std::vector<uint8_t> rgba;
  };
  struct Entry {
    std::shared_ptr<const Picture> previous, current;
    float mix = 1, brightness = 1;
    uint64_t repeats = 1;
  };

  std::shared_ptr<Picture> freeBuffer();
  void run();
  void startEncoder(uint32_t width, uint32_t height);
  void finishRecording();
  void fail(const std::string& what);

  VideoOutOptions options_;
  std::filesystem::path file_, video_, audio_, log_;  // Recording: final name and temporaries
  // Presenter side.
  std::vector<std::shared_ptr<Picture>> pool_;
  std::shared_ptr<Picture> current_, previous_;
  uint64_t currentSequence_ = 0;
  double start_ = -1;
  uint64_t emitted_ = 0;
  // Shared with the writer.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Entry> queue_;
  bool stopping_ = false;
  VideoOutStatus status_;
  std::thread writer_;
};

}  // namespace afterimage::ui
