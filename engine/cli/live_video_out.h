// Live mode's recording and streaming (ui/video_out.h): --record starts a
// recording, the panel's Record button and Ctrl+R start and stop more
// (each to a free name: the --record name, or afterimage-recording.mp4),
// --stream sends the picture for the whole show. Fed by the presenter after
// each presented step; reports to the panel and, one line each, to the log.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ui/audio_tap.h"
#include "ui/control_state.h"
#include "ui/video_out.h"

namespace afterimage::cli {

struct LiveVideoOutOptions {
  std::string record;  // a recording from the start to this file; empty: none until asked
  std::string stream;  // a stream target; empty: none
  double fps = 30;
};

class LiveVideoOut {
 public:
  using Log = std::function<void(const std::string& what, bool error)>;
  // Throws UsageError for a --record name that is not a video or a stream
  // target of the wrong form, before anything starts.
  static void check(const LiveVideoOutOptions& options);
  LiveVideoOut(const LiveVideoOutOptions& options, ui::AudioTap& audio, Log log);
  ~LiveVideoOut();  // finish()

  // The presenter's frame listener (ui::Presenter::setFrameListener).
  void offer(const ui::HostFrame* frame, double taken, float crossfadeSeconds, float brightness, double now);
  void toggleRecording();
  // Once a loop turn: the panel's view, a log line for what ended.
  void poll(ui::OutputsView& view);
  // Stops everything and waits until each recording is in place.
  void finish();

 private:
  void startRecording();
  void stopRecording();
  void reportFinished(ui::VideoOut& out);

  LiveVideoOutOptions options_;
  ui::AudioTap& audio_;
  Log log_;
  std::unique_ptr<ui::VideoOut> recording_, stream_;
  std::vector<std::unique_ptr<ui::VideoOut>> finishing_;  // stopped, still muxing
  std::vector<std::filesystem::path> names_;              // every recording's, this show
  std::string message_, streamError_;
};

}  // namespace afterimage::cli
