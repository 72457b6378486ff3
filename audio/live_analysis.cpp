#include "audio/live_analysis.h"

#include <chrono>

namespace afterimage::audio {

LiveAnalysis::LiveAnalysis(Reader read, AnalyzerOptions options, double silenceAfterSeconds)
    : read_(std::move(read)), analyzer_(options), silenceAfter_(silenceAfterSeconds) {
  thread_ = std::thread([this] { run(); });
}

LiveAnalysis::~LiveAnalysis() {
  stop_ = true;
  thread_.join();
}

FeatureSnapshot LiveAnalysis::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::vector<FeatureSnapshot> LiveAnalysis::drain() {
  std::lock_guard lock(mutex_);
  std::vector<FeatureSnapshot> out(history_.begin(), history_.end());
  history_.clear();
  return out;
}

void LiveAnalysis::tap() {
  std::lock_guard lock(mutex_);
  taps_.push_back(latest_.time);
}

void LiveAnalysis::nudge(double seconds) {
  std::lock_guard lock(mutex_);
  nudge_ += seconds;
}

void LiveAnalysis::follow(double bpm, double beatTime) {
  std::lock_guard lock(mutex_);
  followBpm_ = bpm, followBeat_ = beatTime;
}

void LiveAnalysis::setHopListener(std::function<void(const FeatureSnapshot&)> listener) {
  std::lock_guard lock(mutex_);
  hopListener_ = std::move(listener);
}

void LiveAnalysis::publish(const FeatureSnapshot& s) {
  std::lock_guard lock(mutex_);
  if (hopListener_) hopListener_(s);
  latest_ = s;
  history_.push_back(s);
  if (history_.size() > historyLimit) history_.pop_front();
  for (double t : taps_) analyzer_.beatClock().tap(t);
  taps_.clear();
  if (nudge_ != 0) analyzer_.beatClock().nudge(nudge_), nudge_ = 0;
  if (followBpm_ > 0) analyzer_.beatClock().follow(followBpm_, followBeat_, s.time), followBpm_ = 0;
}

void LiveAnalysis::run() {
  using Clock = std::chrono::steady_clock;
  const size_t hop = size_t(analyzer_.options().hopSize);
  const auto hopDuration =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(analyzer_.hopSeconds()));
  std::vector<float> block(hop, 0.0f);
  size_t filled = 0;
  Clock::time_point lastData = Clock::now(), nextSilentHop = Clock::now();
  while (!stop_) {
    size_t got = read_(block.data() + filled, hop - filled);
    filled += got;
    auto now = Clock::now();
    if (got > 0) lastData = now, nextSilentHop = now + hopDuration;
    if (filled == hop) {
      publish(analyzer_.process(block.data()));
      hops_++;
      filled = 0;
      continue;
    }
    if (now - lastData > std::chrono::duration<double>(silenceAfter_) && now >= nextSilentHop) {
      // The source is silent (gone): analyse silence at the real-time pace.
      std::fill(block.begin() + long(filled), block.end(), 0.0f);
      publish(analyzer_.process(block.data()));
      hops_++, silentHops_++;
      filled = 0;
      nextSilentHop += std::chrono::duration_cast<Clock::duration>(hopDuration);
      continue;
    }
    // Half a hop or less: at most that much delay, without spinning.
    std::this_thread::sleep_for(std::min(hopDuration / 2, Clock::duration(std::chrono::milliseconds(2))));
  }
}

}  // namespace afterimage::audio
