// Rehearsal: a file played in real time to the output device while the
// analyzer hears it through a ring, exactly as it would hear a live input.
// Without an output device (none plugged, or Output::Paced) a clock thread
// releases the samples at the real-time pace instead, silently.
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

  // Loads the whole file (throws naming it when unreadable); playback starts
  // at once. `device`: output device name or index, empty for the default.
  FilePlayer(const std::string& path, ChannelSelection analysed = {}, Output output = Output::Device,
             const std::string& device = "");
  ~FilePlayer();
  FilePlayer(const FilePlayer&) = delete;
  FilePlayer& operator=(const FilePlayer&) = delete;

  // What the analyzer reads (mono, never blocks).
  size_t read(float* out, size_t count) { return ring_.read(out, count); }
  int sampleRate() const { return sampleRate_; }
  double duration() const { return double(frames_) / sampleRate_; }
  double position() const { return double(played_.load()) / sampleRate_; }
  bool finished() const { return played_.load() >= frames_; }
  bool playingToDevice() const { return stream_ != nullptr; }
  // Why the device could not be used (empty when it is, or when Paced).
  const std::string& outputError() const { return outputError_; }

 private:
  bool openDevice(const std::string& device);
  void pace();
  // Copies `count` frames from the current position to `out` (interleaved,
  // outChannels wide, may be null) and to the ring; real-time safe.
  void advance(float* out, size_t count, int outChannels);

  std::vector<float> interleaved_;
  int channels_ = 1, sampleRate_ = 0, outChannels_ = 1;
  size_t frames_ = 0;
  ChannelSelection analysed_;
  RingBuffer ring_;
  std::atomic<size_t> played_{0};
  std::atomic<bool> stop_{false};
  void* stream_ = nullptr;  // PaStream*
  bool paInitialized_ = false;
  std::string outputError_;
  std::thread pacer_;
};

}  // namespace afterimage::audio
