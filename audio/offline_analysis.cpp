#include "audio/offline_analysis.h"

#include <algorithm>
#include <map>

namespace afterimage::audio {

void analyzeSamples(Analyzer& analyzer, const std::vector<float>& samples,
                    const std::function<void(const FeatureSnapshot&)>& each) {
  const size_t hop = size_t(analyzer.options().hopSize);
  std::vector<float> block(hop);
  for (size_t start = 0; start < samples.size(); start += hop) {
    size_t n = std::min(hop, samples.size() - start);
    std::copy_n(samples.begin() + long(start), n, block.begin());
    std::fill(block.begin() + long(n), block.end(), 0.0f);
    each(analyzer.process(block.data()));
  }
}

std::vector<ScheduledBeat> scheduledBeats(const std::vector<float>& samples, int sampleRate, double lookaheadSeconds,
                                          AnalyzerOptions options) {
  options.sampleRate = sampleRate;
  Analyzer analyzer(options);
  std::vector<ScheduledBeat> beats;
  if (lookaheadSeconds <= 0) {
    analyzeSamples(analyzer, samples, [&](const FeatureSnapshot& s) {
      if (s.beat) beats.push_back({s.beatTime, s.time});
    });
    return beats;
  }
  BeatScheduler scheduler(lookaheadSeconds);
  analyzeSamples(analyzer, samples, [&](const FeatureSnapshot& s) {
    if (auto b = scheduler.poll(analyzer.beatClock(), s.time, analyzer.hopSeconds())) beats.push_back(*b);
  });
  return beats;
}

std::vector<double> beatTimes(const std::vector<float>& samples, int sampleRate, double lookaheadSeconds,
                              AnalyzerOptions options) {
  std::vector<double> times;
  for (const auto& b : scheduledBeats(samples, sampleRate, lookaheadSeconds, options)) times.push_back(b.time);
  return times;
}

TrackedBars trackBars(const std::vector<float>& samples, int sampleRate, AnalyzerOptions options,
                      double settleSeconds) {
  options.sampleRate = sampleRate;
  Analyzer analyzer(options);
  TrackedBars tracked;
  std::map<int, int> lengths, subdivisions;  // bar length, subdivision -> beats reported with it
  int previousPlace = -1;
  analyzeSamples(analyzer, samples, [&](const FeatureSnapshot& s) {
    if (!s.beat) return;
    tracked.beats.push_back(s.beatTime);
    if (s.beatInBar == 0) tracked.downbeats.push_back(s.beatTime);
    if (s.beatTime >= settleSeconds) {
      lengths[s.beatsPerBar]++;
      subdivisions[s.subdivision]++;
      tracked.barJumps += previousPlace >= 0 && s.beatInBar != (previousPlace + 1) % s.beatsPerBar;
    }
    previousPlace = s.beatInBar;
  });
  int most = 0;
  for (const auto& [length, count] : lengths)
    if (count > most) most = count, tracked.beatsPerBar = length;
  most = 0;
  for (const auto& [subdivision, count] : subdivisions)
    if (count > most) most = count, tracked.subdivision = subdivision;
  return tracked;
}

std::vector<double> onsetTimes(const std::vector<float>& samples, int sampleRate, AnalyzerOptions options) {
  options.sampleRate = sampleRate;
  Analyzer analyzer(options);
  std::vector<double> onsets;
  analyzeSamples(analyzer, samples, [&](const FeatureSnapshot& s) {
    if (s.onset) onsets.push_back(s.onsetTime);
  });
  return onsets;
}

}  // namespace afterimage::audio
