#include "engine/cli/live_audio.h"

#include <cstdio>
#include <filesystem>
#include <thread>

namespace afterimage::cli {
namespace {

// What the analyzer runs at when no device has opened yet: the device is
// then asked for this rate too, so a late reconnection matches it.
constexpr int kFallbackSampleRate = 48000;

}  // namespace

LiveAudio::LiveAudio(const LiveAudioOptions& options) : options_(options) {
  if (!options.file.empty()) {
    // Looped: a rehearsal or a soak run lasts as long as it is left on, and
    // the analyzer hears continuous music rather than silence at the end.
    player_ = std::make_unique<audio::FilePlayer>(options.file, audio::ChannelSelection{},
                                                  audio::FilePlayer::Output::Device, options.output,
                                                  audio::FilePlayer::Playback::Loop);
    sampleRate_ = player_->sampleRate();
    return;
  }
  audio::CaptureOptions capture;
  capture.device = options.input;
  capture_ = std::make_unique<audio::CaptureSource>(capture);
  // The analyzer needs the rate before it starts: give the first open a moment.
  for (int i = 0; i < 30 && capture_->status().starts == 0 && capture_->status().error.empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (capture_->sampleRate() > 0) {
    sampleRate_ = capture_->sampleRate();
    return;
  }
  capture.sampleRate = kFallbackSampleRate;
  capture_ = std::make_unique<audio::CaptureSource>(capture);
}

bool LiveAudio::unplugged() const {
  return options_.unplugAfter >= 0 &&
         std::chrono::steady_clock::now() - start_ > std::chrono::duration<double>(options_.unplugAfter);
}

size_t LiveAudio::read(float* out, size_t count) {
  if (unplugged()) {
    // Drain what arrives so nothing is heard, as if the cable were out.
    float sink[256];
    while ((capture_ ? capture_->read(sink, 256) : player_->read(sink, 256)) > 0) {
    }
    return 0;
  }
  return capture_ ? capture_->read(out, count) : player_->read(out, count);
}

LiveAudioStatus LiveAudio::status() const {
  LiveAudioStatus s;
  if (player_) {
    std::string name = std::filesystem::path(options_.file).filename().string();
    s.source = "file: " + name + (player_->playingToDevice() ? " (playing" : " (silent: no output device");
    s.source += player_->completedPlays() > 0 ? ", loop " + std::to_string(player_->completedPlays() + 1) + ")" : ")";
    s.live = !player_->finished();
    if (player_->finished()) s.problem = name + ": the track has ended";
    else if (!player_->playingToDevice()) s.problem = player_->outputError() + "; playing silently in real time";
  } else {
    audio::CaptureStatus c = capture_->status();
    s.source = "capture: " + (c.device.empty() ? (options_.input.empty() ? "default input" : options_.input) : c.device);
    s.live = c.running;
    if (!c.running) s.problem = (c.error.empty() ? std::string("waiting for the input") : c.error) + "; retrying";
    else if (c.starts > 1) s.problem = "reconnected";
  }
  if (unplugged()) {
    s.live = false;
    s.problem = "unplugged (AFTERIMAGE_TEST_UNPLUG_AFTER): no samples";
  }
  return s;
}

}  // namespace afterimage::cli
