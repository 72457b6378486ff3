// Live mode's sound: a capture device (--input, reconnected by
// CaptureSource when it fails) or a track played to the speakers while the
// analyzer hears it (--audio-file, rehearsal; looped, so it never ends),
// behind one non-blocking read() for LiveAnalysis and one status line for
// the panel.
//
// AFTERIMAGE_TEST_UNPLUG_AFTER=S (tests) pulls the plug S seconds in: from
// then on read() delivers nothing and the status says so, as when a cable
// comes out; the show must go on presenting.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "audio/capture_source.h"
#include "audio/file_player.h"

namespace afterimage::cli {

struct LiveAudioOptions {
  std::string input;       // capture device name or index; empty: the default input
  std::string file;        // a track to play instead of capturing
  std::string output;      // where the track plays; empty: the default output
  double unplugAfter = -1; // seconds; < 0: never (AFTERIMAGE_TEST_UNPLUG_AFTER)
};

struct LiveAudioStatus {
  std::string source;    // "capture: USB Audio" or "file: track.wav (playing, loop 2)"
  bool live = false;     // samples are arriving
  std::string problem;   // why not, or a note (played silently); empty when all is well
};

class LiveAudio {
 public:
  // Throws for a track that cannot be read; a capture device that cannot
  // be opened is a status, retried until it comes.
  explicit LiveAudio(const LiveAudioOptions& options);

  size_t read(float* out, size_t count);
  int sampleRate() const { return sampleRate_; }
  LiveAudioStatus status() const;

 private:
  bool unplugged() const;

  LiveAudioOptions options_;
  std::unique_ptr<audio::CaptureSource> capture_;
  std::unique_ptr<audio::FilePlayer> player_;
  int sampleRate_ = 48000;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace afterimage::cli
