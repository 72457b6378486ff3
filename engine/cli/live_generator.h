// Live mode's generator thread: frame after frame it takes the latest
// feature snapshot, has the Show's conductor and generator make the frame
// to be shown a moment later, and publishes it into the FrameMailbox. It
// never waits for the presenter. Set changes (hot reload, panel edits) are
// picked up between frames; a frame that fails (a GPU error, a prompt the
// model does not know) is reported and the next one tried, while the
// presenter holds the last good picture. A lost GPU (gpu::DeviceLost) is
// not retried: the thread stops and lost() tells live mode to rebuild.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audio/live_analysis.h"
#include "engine/pipeline/set_watcher.h"
#include "engine/pipeline/show.h"
#include "ui/control_state.h"
#include "ui/frame_mailbox.h"

namespace afterimage::cli {

struct LiveGeneratorStats {
  uint64_t frames = 0;       // published
  uint64_t failures = 0;     // frames that threw
  double fps = 0;            // over about the last second
  int scene = 0, pendingScene = -1;
  uint32_t pictureLatencyFrames = 0;  // a sliding temporal window's lookahead
  std::vector<ui::StageTiming> stages;  // GPU ms of the last frame's stages, then its CPU total
  std::string error;         // the last failure; cleared by the next good frame
  std::string note;          // e.g. a set change that needs a restart
};

class LiveGenerator {
 public:
  // Starts the thread. The show, analysis, watcher and mailbox outlive it.
  // At most maxFps frames a second.
  LiveGenerator(pipeline::Show& show, audio::LiveAnalysis& analysis, pipeline::SetWatcher& watcher,
                ui::FrameMailbox& mailbox, double maxFps);
  ~LiveGenerator();
  LiveGenerator(const LiveGenerator&) = delete;
  LiveGenerator& operator=(const LiveGenerator&) = delete;

  // Switches scene at the next bar (queued for the generator thread).
  void cue(int scene);
  LiveGeneratorStats stats() const;
  uint64_t frames() const { return frames_.load(); }
  // Whether the thread stopped on a lost device, and what said so.
  bool lost() const { return lost_.load(); }
  std::string lostError() const;

 private:
  void run();
  void frame();

  pipeline::Show& show_;
  audio::LiveAnalysis& analysis_;
  pipeline::SetWatcher& watcher_;
  ui::FrameMailbox& mailbox_;
  double maxFps_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> frames_{0};
  std::atomic<bool> lost_{false};
  uint64_t injectLostAfter_ = 0;  // test hook, see live_generator.cpp

  mutable std::mutex mutex_;  // guards what follows
  std::vector<int> cues_;
  LiveGeneratorStats stats_;
  std::string lostError_;

  // The generator thread's own.
  uint64_t setVersion_ = 0;
  double lastShowTime_ = 0;
  double inFlightShowTime_ = 0;  // the show time of the frame on the GPU
  std::vector<gpu::StageTime> stageTimes_;  // of a frame finished within the last second
  std::chrono::steady_clock::time_point nextStageRead_{};
  double frameSeconds_ = 0.05;  // a running mean of a frame's wall time
  std::vector<int> cuesTaken_;
  std::thread thread_;
};

}  // namespace afterimage::cli
