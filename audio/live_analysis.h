// The analyzer on its own thread, fed by a live source: it pulls whatever
// samples have arrived, analyses each full hop, and publishes the latest
// snapshot (and a short history) for the conductor and the control panel.
// When the source delivers nothing for a while (device gone), it analyses
// silence at the real-time pace instead, so features decay to rest and the
// beat clock keeps running while its confidence falls.
#pragma once
#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "audio/analyzer.h"

namespace afterimage::audio {

class LiveAnalysis {
 public:
  // read: non-blocking, returns how many samples it wrote (CaptureSource::read).
  using Reader = std::function<size_t(float* out, size_t count)>;

  LiveAnalysis(Reader read, AnalyzerOptions options, double silenceAfterSeconds = 0.1);
  ~LiveAnalysis();
  LiveAnalysis(const LiveAnalysis&) = delete;
  LiveAnalysis& operator=(const LiveAnalysis&) = delete;

  FeatureSnapshot latest() const;
  // Snapshots since the last call (at most the last `historyLimit`).
  std::vector<FeatureSnapshot> drain();
  double hopSeconds() const { return analyzer_.hopSeconds(); }
  uint64_t hops() const { return hops_.load(); }
  uint64_t silentHops() const { return silentHops_.load(); }
  // Tap tempo and nudge reach the beat clock on the analysis thread.
  void tap();
  void nudge(double seconds);
  // An outside clock's tempo and one of its beats, in this analysis's
  // time (latest().time is now): the beat clock follows it (BeatClock::follow).
  void follow(double bpm, double beatTime);
  // Called on the analysis thread with every snapshot as it is made (OSC
  // out); it must not block. An empty function removes it.
  void setHopListener(std::function<void(const FeatureSnapshot&)> listener);

  static constexpr size_t historyLimit = 1024;

 private:
  void run();
  void publish(const FeatureSnapshot& s);

  Reader read_;
  Analyzer analyzer_;
  double silenceAfter_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> hops_{0}, silentHops_{0};
  mutable std::mutex mutex_;
  FeatureSnapshot latest_;
  std::deque<FeatureSnapshot> history_;
  std::vector<double> taps_;
  double nudge_ = 0;
  double followBpm_ = 0, followBeat_ = 0;
  std::function<void(const FeatureSnapshot&)> hopListener_;
  std::thread thread_;
};

}  // namespace afterimage::audio
