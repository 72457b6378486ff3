#include "audio/capture_source.h"

#include <chrono>

namespace afterimage::audio {

CaptureSource::CaptureSource(CaptureOptions options, StreamOpener opener)
    : options_(std::move(options)), opener_(std::move(opener)), ring_(options_.ringSamples) {
  thread_ = std::thread([this] { supervise(); });
}

CaptureSource::~CaptureSource() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

CaptureStatus CaptureSource::status() const {
  std::lock_guard lock(mutex_);
  CaptureStatus s = status_;
  s.dropped = ring_.dropped();
  return s;
}

void CaptureSource::supervise() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<InputStream> stream;
  uint64_t lastWritten = 0;
  Clock::time_point lastProgress = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (!stream) {
      std::string error;
      lock.unlock();
      stream = opener_(options_, ring_, &error);
      lock.lock();
      if (stream) {
        status_.running = true;
        status_.device = stream->name();
        status_.sampleRate = stream->sampleRate();
        status_.error.clear();
        status_.starts++;
        sampleRate_ = stream->sampleRate();
        lastWritten = ring_.written();
        lastProgress = Clock::now();
      } else {
        status_.running = false;
        status_.error = error.empty() ? "the input stream could not be opened" : error;
        wake_.wait_for(lock, std::chrono::duration<double>(options_.retrySeconds), [this] { return stop_; });
        continue;
      }
    }
    uint64_t written = ring_.written();
    if (written != lastWritten) lastWritten = written, lastProgress = Clock::now();
    bool stalled = Clock::now() - lastProgress > std::chrono::duration<double>(options_.stallSeconds);
    if (!stream->active() || stalled) {
      status_.running = false;
      status_.error = status_.device + (stalled ? ": no samples arrived for " : ": the stream stopped") +
                      (stalled ? std::to_string(int(options_.stallSeconds * 1000)) + " ms" : std::string());
      lock.unlock();
      stream.reset();  // closing may take a moment; not under the lock
      lock.lock();
      wake_.wait_for(lock, std::chrono::duration<double>(options_.retrySeconds), [this] { return stop_; });
      continue;
    }
    wake_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stop_; });
  }
  lock.unlock();
  stream.reset();
}

}  // namespace afterimage::audio
