#include "audio/section_detector.h"

#include <algorithm>
#include <cmath>

namespace afterimage::audio {
namespace {

constexpr double kDefaultBarSeconds = 2.0;  // before the beat clock has a tempo
constexpr int kRollSnaresPerBar = 3;        // snares in the last bar that make a roll
constexpr double kDropLowWithinDb = 10;     // a drop's kick: lows this close to the recent loudest
constexpr double kDropLowWithinSeconds = 0.08;  // ...within this long of the kick
constexpr double kLowPeakFallDbPerSecond = 0.2;
constexpr int kPhraseBars[] = {8, 16, 32};

}  // namespace

double SectionDetector::barSeconds(const FeatureSnapshot& s) const {
  return s.bpm > 0 ? s.beatsPerBar * 60.0 / s.bpm : kDefaultBarSeconds;
}

double SectionDetector::beatAfter(const FeatureSnapshot& s, double t) const {
  double beat = barSeconds(s) / std::max(1, s.beatsPerBar);
  double beatStart = s.time - s.beatPhase * beat;
  return beatStart - std::floor((beatStart - t) / beat) * beat;
}

void SectionDetector::enter(FeatureSnapshot& s, MusicSection section, double at) {
  section_ = section;
  s.sectionChange = true;
  s.sectionStartTime[size_t(section)] = at;
}

void SectionDetector::process(FeatureSnapshot& s) {
  const double now = s.time, bar = barSeconds(s), beat = bar / std::max(1, s.beatsPerBar);
  s.sectionChange = false;
  // The sub band (< 60 Hz) before the automatic gain: a kick's and a bass's,
  // not a snare's body.
  double gain = std::pow(10.0, s.gainDb / 20.0);
  double low = double(s.bands[Sub]) / std::max(gain, 1e-9);
  double lowDb = low > 1e-6 ? 20 * std::log10(low) : -120;
  double sinceLastHop = lastHopTime_ >= 0 ? now - lastHopTime_ : 0;
  lastHopTime_ = now;
  lowPeakDb_ = std::max(lowDb, lowPeakDb_ - kLowPeakFallDbPerSecond * sinceLastHop);

  if (s.drumHit[Snare]) {
    std::copy_backward(std::begin(snareTimes_), std::end(snareTimes_) - 1, std::end(snareTimes_));
    snareTimes_[0] = s.drumHitTime[Snare];
    if (firstSnareSinceKick_ < 0) firstSnareSinceKick_ = s.drumHitTime[Snare];
  }
  int snaresInLastBar = int(std::count_if(std::begin(snareTimes_), std::end(snareTimes_),
                                          [&](double t) { return t > now - bar; }));
  bool roll = snaresInLastBar >= kRollSnaresPerBar;

  bool afterAPause = section_ == MusicSection::Buildup || section_ == MusicSection::Breakdown;
  if (s.drumHit[Kick]) {
    if (afterAPause) dropCandidate_ = s.drumHitTime[Kick];
    lastKick_ = s.drumHitTime[Kick];
    firstSnareSinceKick_ = -1;
  }
  // A kick after a pause is the drop once its lows come up (over the next
  // few hops: the kick is found before its low band has fully risen).
  if (afterAPause && dropCandidate_ > 0 && now - dropCandidate_ <= kDropLowWithinSeconds) {
    if (lowDb >= lowPeakDb_ - kDropLowWithinDb) enter(s, MusicSection::Drop, dropCandidate_), dropCandidate_ = -1;
  }
  bool kicksHeard = lastKick_ > -1e8, kicksStopped = now - lastKick_ > bar + 0.5 * beat;
  if (!kicksHeard && section_ == MusicSection::None && roll) {
    // Music that starts with a build-up.
    enter(s, MusicSection::Buildup, now);
    buildupStart_ = beatAfter(s, now - bar);
  } else if (kicksHeard && kicksStopped && (section_ == MusicSection::None || section_ == MusicSection::Drop)) {
    // The section began on the beat after the last kick (the downbeat
    // estimate can be off by beats, the beat grid is not); the snares since
    // decide between a build-up and a breakdown.
    pauseStart_ = beatAfter(s, lastKick_ + 0.25 * beat);
    enter(s, roll ? MusicSection::Buildup : MusicSection::Breakdown, now);
    buildupStart_ = pauseStart_;
  } else if (section_ == MusicSection::Breakdown && roll) {
    // A build-up after a breakdown starts on a 4-bar phrase of it: the
    // latest one before the snares began (soft first snares are found late).
    enter(s, MusicSection::Buildup, now);
    double firstSnare = firstSnareSinceKick_ >= 0 ? firstSnareSinceKick_ : now;
    buildupStart_ = pauseStart_ + std::max(0.0, std::floor((firstSnare - pauseStart_) / (4 * bar) + 0.05)) * 4 * bar;
  }
  s.section = section_;

  s.predictedDropTime = 0, s.dropInBars = 0, s.buildupProgress = 0;
  if (section_ == MusicSection::Buildup && s.bpm > 0) {
    double elapsed = now - buildupStart_;
    int phrase = kPhraseBars[2];
    for (int bars : kPhraseBars)
      if (elapsed < (bars - 0.5) * bar) {
        phrase = bars;
        break;
      }
    s.predictedDropTime = buildupStart_ + phrase * bar;
    s.dropInBars = float(std::max(0.0, (s.predictedDropTime - now) / bar));
    s.buildupProgress = float(std::clamp(elapsed / (phrase * bar), 0.0, 1.0));
  }
}

}  // namespace afterimage::audio
