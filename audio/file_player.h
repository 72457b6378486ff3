// Rehearsal: a file played in real time to the output device while the
// analyzer hears it through a ring, exactly as it would hear a live input.
// Without an output device (none plugged, or Output::Paced) a clock thread
// releases the samples at the real-time pace instead, silently.
// Playback::Loop starts the file again at its end with no gap, so the
// analyzer hears one continuous stream (rehearsals, hours-long soak runs).
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audio/channel_selection.h"
#include "audio/ring_buffer.h"

namespace afterimage::audio {

class FilePlayer {
 public:
  enum class Output { Device, Paced };
  enum class Playback { Once, Loop };

  // Loads the whole file (throws naming it when unreadable); playback starts
  // at once. `device`: output device name or index, empty for the default.
  // An empty file plays once (there is nothing to loop).
  FilePlayer(const std::string& path, ChannelSelection analysed = {}, Output output = Output::Device,
             const std::string& device = "", Playback playback = Playback::Once);
  ~FilePlayer();
  FilePlayer(const FilePlayer&) = delete;
  FilePlayer& operator=(const FilePlayer&) = delete;

  // What the analyzer reads (mono, never blocks).
  size_t read(float* out, size_t count) { return ring_.read(out, count); }
  int sampleRate() const { return sampleRate_; }
  double duration() const { return double(frames_) / sampleRate_; }
  // Seconds into the file (back to 0 at each loop).
  double position() const { return double(frames_ ? played_.load() % frames_ : 0) / sampleRate_; }
  // Times the file has played to its end (and, looping, started again).
  size_t completedPlays() const { return frames_ ? played_.load() / frames_ : 1; }
  bool finished() const { return playback_ == Playback::Once && played_.load() >= frames_; }
  bool playingToDevice() const { return stream_ != nullptr; }
  // Why the device could not be used (empty when it is, or when Paced).
  const std::string& outputError() const { return outputError_; }

 private:
  bool openDevice(const std::string& device);
  void pace();
  // Copies `count` frames from the current position (wrapping to the start
  // when looping) to `out` (interleaved,
  // outChannels wide, may be null) and to the ring; real-time safe.
  void advance(float* out, size_t count, int outChannels);

  std::vector<float> interleaved_;
  int channels_ = 1, sampleRate_ = 0, outChannels_ = 1;
  size_t frames_ = 0;
  Playback playback_ = Playback::Once;
  ChannelSelection analysed_;
  RingBuffer ring_;
  std::atomic<size_t> played_{0};  // frames released in all, over every loop
  std::atomic<bool> stop_{false};
  void* stream_ = nullptr;  // PaStream*
  bool paInitialized_ = false;
  std::string outputError_;
  std::thread pacer_;
};

}  // namespace afterimage::audio
