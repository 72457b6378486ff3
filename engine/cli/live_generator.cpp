#include "engine/cli/live_generator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "engine/gpu/gpu_error.h"

#include "engine/pipeline/av_offset.h"
#include "engine/pipeline/frame_features.h"

namespace afterimage::cli {
namespace {

using Clock = std::chrono::steady_clock;

// A frame reaches the screen about one display refresh after it is
// published (the presenter takes it at its next vsync).
constexpr double kPresentDelaySeconds = 1.0 / 60;

// Test hook: AFTERIMAGE_INJECT_DEVICE_LOST_AFTER_FRAMES=N makes the
// generator throw gpu::DeviceLost once (per process) after N frames, so
// that the tests can drive live mode's recovery from a lost GPU.
std::atomic<bool> injectedDeviceLost{false};
uint64_t injectDeviceLostAfter() {
  const char* text = std::getenv("AFTERIMAGE_INJECT_DEVICE_LOST_AFTER_FRAMES");
  return text && *text ? std::strtoull(text, nullptr, 10) : 0;
}

}  // namespace

LiveGenerator::LiveGenerator(pipeline::Show& show, audio::LiveAnalysis& analysis, pipeline::SetWatcher& watcher,
                             ui::FrameMailbox& mailbox, double maxFps)
    : show_(show),
      analysis_(analysis),
      watcher_(watcher),
      mailbox_(mailbox),
      maxFps_(maxFps) {
  setVersion_ = watcher.version();
  injectLostAfter_ = injectDeviceLostAfter();
  cues_.reserve(16);
  cuesTaken_.reserve(16);
  thread_ = std::thread([this] { run(); });
}

LiveGenerator::~LiveGenerator() {
  stop_ = true;
  thread_.join();
}

void LiveGenerator::cue(int scene) {
  std::lock_guard lock(mutex_);
  cues_.push_back(scene);
}

std::string LiveGenerator::lostError() const {
  std::lock_guard lock(mutex_);
  return lostError_;
}

LiveGeneratorStats LiveGenerator::stats() const {
  std::lock_guard lock(mutex_);
  LiveGeneratorStats stats = stats_;
  stats.pictureLatencyFrames = show_.generator().latencyFrames();  // fixed while the show lives
  return stats;
}

void LiveGenerator::frame() {
  if (injectLostAfter_ > 0 && frames_.load() >= injectLostAfter_ && !injectedDeviceLost.exchange(true))
    throw gpu::DeviceLost("vkQueueSubmit failed: VK_ERROR_DEVICE_LOST (injected by "
                          "AFTERIMAGE_INJECT_DEVICE_LOST_AFTER_FRAMES)");
  {
    std::lock_guard lock(mutex_);
    cuesTaken_.swap(cues_);
  }
  for (int scene : cuesTaken_)
    if (scene >= 0 && scene < int(show_.set().scenes.size())) show_.conductor().cue(scene, true);
  cuesTaken_.clear();

  uint64_t version = watcher_.version();
  if (version != setVersion_) {
    setVersion_ = version;
    if (auto set = watcher_.current()) {
      std::string note = show_.setSet(set);
      std::lock_guard lock(mutex_);
      stats_.note = note;
    }
  }

  // Pipelined: this frame is prepared while the one before it still runs
  // on the GPU and queued behind it before that one is waited for and
  // published, so that the GPU goes from one frame to the next without
  // waiting for this thread, and the frame rate is the GPU's, not the
  // GPU's plus the host's. It reaches the screen after that frame and
  // itself, and the conductor evaluates the set at that moment of the music
  // (so the beat stays on time; what is late by a frame is the response to
  // the unforeseen: an attack, a cue). Two frames are in flight only
  // between this submit and that wait: a frame is still published by the
  // call after the one that prepared it, so the lead is unchanged.
  // From the hops heard since the previous frame, so that an attack
  // between two frames still moves this one (frame_features.h, as render).
  auto heard = analysis_.drain();
  audio::FeatureSnapshot latest = heard.empty() ? analysis_.latest() : pipeline::frameFeatures(heard);
  // The frame in flight ends when the next call begins (a frame time
  // later, or the frame-rate cap's period if that is longer) and this one
  // a frame time after that.
  const double frameInterval = std::max(frameSeconds_, 1.0 / maxFps_);
  double showTime = std::max(lastShowTime_, latest.time + frameInterval + frameSeconds_ + kPresentDelaySeconds);
  lastShowTime_ = showTime;
  show_.prepare(latest, pipeline::musicTimeOnScreen(showTime, show_.set().control.avOffsetMs));

  pipeline::Generator& generator = show_.generator();
  const bool finished = generator.pending();
  generator.submit();
  const double finishedShowTime = inFlightShowTime_;
  inFlightShowTime_ = showTime;
  if (!finished) return;
  generator.wait();  // the frame before this one
  // Stage times allocate: once a second, not every frame; and only now,
  // between a frame's end and the next submit, are they readable.
  if (Clock::now() >= nextStageRead_) {
    stageTimes_ = generator.stageTimes();
    nextStageRead_ = Clock::now() + std::chrono::seconds(1);
  }
  // The finished frame's pixels are the host's copy: valid until the next wait().
  auto pixels = generator.pixels();
  ui::HostFrame& slot = mailbox_.writeSlot();
  slot.resize(generator.width(), generator.height());
  std::copy(pixels.begin(), pixels.end(), slot.rgba.begin());
  slot.time = finishedShowTime;
  mailbox_.publish();
  frames_++;
}

void LiveGenerator::run() {
  auto rateStart = Clock::now();
  uint64_t framesAtRateStart = 0;
  auto next = Clock::now();
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / maxFps_));
  std::string lastError;
  while (!stop_) {
    auto begin = Clock::now();
    try {
      frame();
      double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
      frameSeconds_ = frames_.load() == 1 ? seconds : 0.9 * frameSeconds_ + 0.1 * seconds;
      std::lock_guard lock(mutex_);
      stats_.frames = frames_.load();
      stats_.error.clear();
      lastError.clear();
    } catch (const gpu::DeviceLost& e) {
      // Retrying cannot help: everything on the device is dead. Live mode
      // sees lost(), stops this thread and rebuilds.
      std::lock_guard lock(mutex_);
      lostError_ = e.what();
      stats_.fps = 0;
      lost_ = true;
      return;
    } catch (const std::exception& e) {
      // Hold the last picture (nothing is published) and try again shortly:
      // a panel edit or a set fix may cure it.
      std::string message = e.what();
      if (message != lastError) std::fprintf(stderr, "afterimage live: frame failed: %s\n", message.c_str());
      lastError = message;
      {
        std::lock_guard lock(mutex_);
        stats_.failures++;
        stats_.error = "generator: " + message;
        stats_.fps = 0;  // the panel must not show the last rate while nothing is generated
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      next = rateStart = Clock::now();
      framesAtRateStart = frames_.load();
      continue;
    }
    auto now = Clock::now();
    double sinceRateStart = std::chrono::duration<double>(now - rateStart).count();
    if (sinceRateStart >= 1.0) {
      std::vector<ui::StageTiming> stages;
      for (const auto& s : stageTimes_) stages.push_back({s.label, s.milliseconds});
      stages.push_back({"frame (CPU wall)", frameSeconds_ * 1000});
      std::lock_guard lock(mutex_);
      stats_.fps = double(frames_.load() - framesAtRateStart) / sinceRateStart;
      stats_.stages = std::move(stages);
      framesAtRateStart = frames_.load();
      rateStart = now;
    }
    {
      std::lock_guard lock(mutex_);
      stats_.scene = show_.conductor().scene();
      stats_.pendingScene = show_.conductor().cuedScene();
    }
    next += period;
    if (next < now) next = now;  // too slow: no catching up
    std::this_thread::sleep_until(next);
  }
}

}  // namespace afterimage::cli
