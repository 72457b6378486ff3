#include "ui/video_out.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "engine/system/child_process.h"
#include "engine/system/pending_file.h"
#include "ui/video_out_target.h"

namespace afterimage::ui {
namespace {

namespace fs = std::filesystem;

constexpr size_t kQueueLength = 8;  // a quarter second at 30 fps
constexpr size_t kPoolSize = kQueueLength * 2 + 2;

std::string lastLine(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

VideoOut::VideoOut(const VideoOutOptions& options) : options_(options) {
  if (!(options.fps > 0 && options.fps <= 240)) throw std::invalid_argument("video out: fps must be in (0, 240]");
  if (options.kind == VideoOutOptions::Kind::Stream) {
    checkStreamTarget(options.target);
    status_.target = options.target;
  } else {
    file_ = unusedName(options.target, options.taken);
    video_ = system::temporaryBeside(fs::path(file_).replace_extension(".mkv"), "video");
    audio_ = system::temporaryBeside(fs::path(file_).replace_extension(".f32"), "audio");
    status_.target = file_.string();
  }
  log_ = system::temporaryBeside(fs::path(options.kind == VideoOutOptions::Kind::Stream ? "stream" : file_.string())
                                     .replace_extension(".log"),
                                 "ffmpeg");
  if (options.kind == VideoOutOptions::Kind::Stream) log_ = fs::temp_directory_path() / log_.filename();
  status_.running = true;
  writer_ = std::thread([this] { run(); });
}

VideoOut::~VideoOut() { wait(); }

void VideoOut::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (options_.audio) options_.audio->enable(false);
  wake_.notify_all();
}

void VideoOut::wait() {
  stop();
  if (writer_.joinable()) writer_.join();
}

VideoOutStatus VideoOut::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::shared_ptr<VideoOut::Picture> VideoOut::freeBuffer() {
  for (auto& picture : pool_) {
    // Held by the pool alone: neither queued nor being written.
    if (picture.use_count() == 1) {
      std::atomic_thread_fence(std::memory_order_acquire);
      return picture;
    }
  }
  if (pool_.size() < kPoolSize) return pool_.emplace_back(std::make_shared<Picture>());
  return nullptr;
}

void VideoOut::offer(const HostFrame* frame, double frameArrived, float crossfadeSeconds, float brightness,
                     double now) {
  if (!frame || frame->empty()) return;
  if (start_ < 0) {
    // The audio starts with the first frame: the two begin together.
    start_ = now;
    if (options_.audio && options_.kind == VideoOutOptions::Kind::Recording) options_.audio->enable(true);
  }
  uint64_t due = uint64_t(std::floor((now - start_) * options_.fps)) + 1;
  if (due <= emitted_) return;
  uint64_t count = due - emitted_;
  emitted_ = due;

  bool dropped = false;
  if (frame->sequence != currentSequence_ || !current_) {
    std::shared_ptr<Picture> copy = freeBuffer();
    if (copy) {
      copy->width = frame->width, copy->height = frame->height;
      copy->rgba.assign(frame->rgba.begin(), frame->rgba.begin() + ptrdiff_t(frame->width) * frame->height * 4);
      previous_ = current_ ? current_ : copy;
      current_ = copy;
      currentSequence_ = frame->sequence;
    } else {
      dropped = true;  // every buffer is queued: the encoder is behind
    }
  }
  float mix = crossfadeSeconds > 0 ? std::clamp(float((now - frameArrived) / crossfadeSeconds), 0.0f, 1.0f) : 1.0f;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !status_.running) return;
    if (dropped || queue_.size() >= kQueueLength) {
      if (!queue_.empty()) queue_.back().repeats += count;
      status_.dropped += count;
      return;
    }
    queue_.push_back({previous_, current_, mix, brightness, count});
  }
  wake_.notify_one();
}

void VideoOut::fail(const std::string& what) {
  std::lock_guard lock(mutex_);
  if (status_.error.empty()) status_.error = what;
  status_.running = false;
  queue_.clear();
}

void VideoOut::run() {
  std::unique_ptr<system::ChildProcess> ffmpeg;
  std::unique_ptr<std::ofstream> audio;
  std::vector<float> samples;
  std::vector<uint8_t> blended;
  uint32_t width = 0, height = 0;
  bool ok = true;
  for (;;) {
    Entry entry;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) break;
      if (!queue_.empty()) {
        entry = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (!ok) continue;
    if (audio_.empty() == false && options_.audio) {
      options_.audio->drain(samples);
      if (!audio) audio = std::make_unique<std::ofstream>(audio_, std::ios::binary);
      audio->write(reinterpret_cast<const char*>(samples.data()), std::streamsize(samples.size() * sizeof(float)));
    }
    if (!entry.current) continue;
    const Picture& current = *entry.current;
    if (!ffmpeg) {
      width = current.width, height = current.height;
      auto argv = options_.kind == VideoOutOptions::Kind::Stream
                      ? streamArguments(width, height, options_.fps, options_.target)
                      : recordingVideoArguments(width, height, options_.fps, video_);
      try {
        ffmpeg = std::make_unique<system::ChildProcess>(
            system::ChildOptions{.argv = argv, .pipeStdin = true, .stderrPath = log_.string()});
      } catch (const std::system_error& e) {
        fail(e.code() == std::errc::no_such_file_or_directory ? "ffmpeg not found: install the Debian package ffmpeg"
                                                              : std::string("ffmpeg: ") + e.what());
        ok = false;
        continue;
      }
    }
    if (current.width != width || current.height != height) {
      fail("the picture changed size (" + std::to_string(current.width) + "x" + std::to_string(current.height) +
           "): " + status_.target + " stops here");
      ok = false;
      continue;
    }
    // What the outputs show: the crossfade from the previous frame, dimmed.
    const uint8_t* pixels = current.rgba.data();
    bool sameSize = entry.previous && entry.previous->rgba.size() == current.rgba.size();
    if (entry.brightness < 1 || (entry.mix < 1 && sameSize)) {
      blended.resize(current.rgba.size());
      const uint8_t* before = sameSize ? entry.previous->rgba.data() : pixels;
      float mix = sameSize ? entry.mix : 1.0f;
      for (size_t i = 0; i < blended.size(); ++i)
        blended[i] = (i & 3) == 3 ? 255
                                  : uint8_t(std::lround((before[i] + (pixels[i] - before[i]) * mix) * entry.brightness));
      pixels = blended.data();
    }
    std::span<const uint8_t> bytes(pixels, current.rgba.size());
    entry.previous.reset(), entry.current.reset();  // back to the pool before the (slow) writes
    for (uint64_t i = 0; i < entry.repeats && ok; ++i) {
      if (!ffmpeg->write(bytes)) {
        ffmpeg->wait();
        fail("ffmpeg stopped taking frames for " + status_.target + ": " + lastLine(log_));
        ok = false;
        break;
      }
      std::lock_guard lock(mutex_);
      ++status_.frames;
    }
  }
  // Stopped: finish what was written.
  if (audio) audio->close();
  if (ffmpeg) {
    system::ExitStatus exit = ffmpeg->wait();
    if (ok && !exit.ok() && options_.kind == VideoOutOptions::Kind::Recording) {
      fail("ffmpeg failed writing " + status_.target + " (" + exit.describe() + "): " + lastLine(log_));
      ok = false;
    }
  }
  if (ok && ffmpeg && options_.kind == VideoOutOptions::Kind::Recording) finishRecording();
  std::error_code ignored;
  if (!video_.empty()) fs::remove(video_, ignored);
  if (!audio_.empty()) fs::remove(audio_, ignored);
  if (status().error.empty()) fs::remove(log_, ignored);
  std::lock_guard lock(mutex_);
  status_.running = false;
  status_.finished = true;
}

void VideoOut::finishRecording() {
  std::error_code error;
  bool hasAudio = fs::file_size(audio_, error) > 0 && !error;
  try {
    system::PendingFile pending(file_);
    if (hasAudio) {
      system::ChildProcess mux(system::ChildOptions{
          .argv = muxArguments(video_, audio_, options_.audio->sampleRate(), pending.path(), file_),
          .stderrPath = log_.string()});
      system::ExitStatus exit = mux.wait();
      if (!exit.ok()) return fail("ffmpeg could not mux " + file_.string() + " (" + exit.describe() + "): " + lastLine(log_));
    } else {
      // No audio came (no source, or unplugged the whole time): the video alone, remuxed.
      system::ChildProcess mux(system::ChildOptions{
          .argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", "file:" + video_.string(),
                   "-c:v", "copy", "-f", file_.extension() == ".mkv" ? "matroska" : file_.extension() == ".mov" ? "mov" : "mp4",
                   "file:" + pending.path().string()},
          .stderrPath = log_.string()});
      if (!mux.wait().ok()) return fail("ffmpeg could not write " + file_.string() + ": " + lastLine(log_));
    }
    pending.commit();
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

}  // namespace afterimage::ui
