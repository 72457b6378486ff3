#include "engine/cli/live_video_out.h"

#include <cstdio>
#include <stdexcept>

#include "engine/cli/arguments.h"
#include "engine/pipeline/video_writer.h"
#include "ui/video_out_target.h"

namespace afterimage::cli {

void LiveVideoOut::check(const LiveVideoOutOptions& options) {
  if (!(options.fps > 0 && options.fps <= 240)) throw UsageError("--record-fps must be in (0, 240]");
  if (!options.record.empty() && !pipeline::isVideoPath(options.record))
    throw UsageError("--record " + options.record + ": expected a .mp4, .mov or .mkv name");
  if (options.stream.empty()) return;
  try {
    ui::checkStreamTarget(options.stream);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

LiveVideoOut::LiveVideoOut(const LiveVideoOutOptions& options, ui::AudioTap& audio, Log log)
    : options_(options), audio_(audio), log_(std::move(log)) {
  if (!options.record.empty()) startRecording();
  if (!options.stream.empty()) {
    ui::VideoOutOptions out;
    out.kind = ui::VideoOutOptions::Kind::Stream, out.target = options.stream, out.fps = options.fps;
    stream_ = std::make_unique<ui::VideoOut>(out);
    log_("streaming to " + options.stream + " at " + std::to_string(int(options.fps)) + " fps", false);
  }
}

LiveVideoOut::~LiveVideoOut() { finish(); }

void LiveVideoOut::offer(const ui::HostFrame* frame, double taken, float crossfadeSeconds, float brightness,
                         double now) {
  if (recording_) recording_->offer(frame, taken, crossfadeSeconds, brightness, now);
  if (stream_) stream_->offer(frame, taken, crossfadeSeconds, brightness, now);
}

void LiveVideoOut::startRecording() {
  ui::VideoOutOptions out;
  out.target = options_.record.empty() ? "afterimage-recording.mp4" : options_.record;
  out.fps = options_.fps, out.audio = &audio_, out.taken = names_;
  recording_ = std::make_unique<ui::VideoOut>(out);
  names_.push_back(recording_->status().target);
  message_.clear();
  log_("recording to " + recording_->status().target + " at " + std::to_string(int(options_.fps)) + " fps", false);
}

void LiveVideoOut::stopRecording() {
  if (!recording_) return;
  recording_->stop();
  finishing_.push_back(std::move(recording_));
}

void LiveVideoOut::toggleRecording() {
  if (recording_) stopRecording();
  else startRecording();
}

void LiveVideoOut::reportFinished(ui::VideoOut& out) {
  auto r = out.status();
  char span[32];
  std::snprintf(span, sizeof span, "%.2f s", r.seconds);
  message_ = r.error.empty() ? "recorded " + r.target + ": " + std::to_string(r.frames) + " frames over " + span +
                                   ", " + std::to_string(r.dropped) + " dropped"
                             : "recording failed: " + r.error;
  log_(message_, !r.error.empty());
}

void LiveVideoOut::poll(ui::OutputsView& view) {
  view.canRecord = true;
  view.recording = recording_ != nullptr;
  if (recording_) {
    auto r = recording_->status();
    view.recordingFile = r.target, view.recordedFrames = r.frames, view.droppedFrames = r.dropped;
    if (!r.error.empty()) stopRecording();  // reported when it has finished
  }
  for (auto it = finishing_.begin(); it != finishing_.end();) {
    if (!(*it)->status().finished) {
      ++it;
      continue;
    }
    reportFinished(**it);
    it = finishing_.erase(it);
  }
  view.recordingMessage = message_;
  if (stream_) {
    auto r = stream_->status();
    view.stream = r.target + (r.error.empty() ? ": " + std::to_string(r.frames) + " frames, " +
                                                    std::to_string(r.dropped) + " dropped"
                                              : ": " + r.error);
    if (r.error != streamError_) {
      streamError_ = r.error;
      log_("stream stopped: " + streamError_, true);
    }
  }
}

void LiveVideoOut::finish() {
  stopRecording();
  for (auto& out : finishing_) {
    out->wait();
    reportFinished(*out);
  }
  finishing_.clear();
  stream_.reset();
}

}  // namespace afterimage::cli
