// Live capture: an input stream delivers samples into a lock-free ring (its
// callback only converts to mono and copies), and a supervisor thread
// watches it. When the stream cannot be opened, stops, or stops delivering
// (an unplugged device), the failure is reported in status() and the stream
// is reopened every retry interval until it comes back. Reading never
// blocks. The stream itself is pluggable: PortAudio for real devices, a fake
// in tests.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audio/channel_selection.h"
#include "audio/ring_buffer.h"

namespace afterimage::audio {

struct CaptureOptions {
  std::string device;          // a name (or part of it) or an index; empty: the default input
  ChannelSelection channel;
  int sampleRate = 0;          // 0: the device's default (44.1 or 48 kHz usually)
  int framesPerBuffer = 256;
  double retrySeconds = 1.0;
  double stallSeconds = 0.5;   // no samples for this long: the stream has failed
  size_t ringSamples = 1 << 16;
};

// An open stream; closing happens in the destructor.
class InputStream {
 public:
  virtual ~InputStream() = default;
  virtual bool active() const = 0;
  virtual int sampleRate() const = 0;
  virtual std::string name() const = 0;
};

// Opens a stream writing mono samples into the ring; returns null and sets
// *error when it cannot.
using StreamOpener =
    std::function<std::unique_ptr<InputStream>(const CaptureOptions&, RingBuffer& ring, std::string* error)>;

StreamOpener portAudioOpener();

struct CaptureStatus {
  bool running = false;
  std::string device;     // the stream's name when running
  std::string error;      // the last failure, empty when none since the last start
  int sampleRate = 0;
  int starts = 0;         // successful opens (more than 1: it reconnected)
  uint64_t dropped = 0;   // samples lost to a full ring (the reader fell behind)
};

class CaptureSource {
 public:
  CaptureSource(CaptureOptions options, StreamOpener opener = portAudioOpener());
  ~CaptureSource();
  CaptureSource(const CaptureSource&) = delete;
  CaptureSource& operator=(const CaptureSource&) = delete;

  // Up to `count` samples, whatever has arrived; never blocks.
  size_t read(float* out, size_t count) { return ring_.read(out, count); }
  CaptureStatus status() const;
  // The sample rate of the current (or last) stream; 0 before the first.
  int sampleRate() const { return sampleRate_.load(); }

 private:
  void supervise();

  CaptureOptions options_;
  StreamOpener opener_;
  RingBuffer ring_;
  std::atomic<int> sampleRate_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  CaptureStatus status_;
  std::thread thread_;
};

}  // namespace afterimage::audio
