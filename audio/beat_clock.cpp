#include "audio/beat_clock.h"

#include <cmath>

namespace afterimage::audio {

double BeatClock::wrap(double x, double period) { return x - period * std::floor(x / period + 0.5); }

double BeatClock::phaseAt(double t) const {
  if (period_ <= 0) return 0;
  double p = (t - anchor_) / period_;
  return p - std::floor(p);
}

double BeatClock::nextBeatAfter(double t) const {
  if (period_ <= 0) return 0;
  return anchor_ + std::ceil((t - anchor_) / period_ - 1e-9) * period_;
}

long long BeatClock::beatIndexAt(double t) const {
  if (period_ <= 0) return 0;
  return (long long)std::floor((t - anchor_) / period_ + 1e-9);
}

void BeatClock::setTempo(double bpm, double beatTime) {
  period_ = 60.0 / bpm;
  anchor_ = beatTime;
  pendingSince_ = pendingPhaseSince_ = -1;
}

void BeatClock::decay(double now) {
  if (now < followedUntil_) return;
  double dt = now - lastTime_;
  if (dt > 0) confidence_ *= std::exp2(-dt / options_.confidenceDecaySeconds);
  lastTime_ = now;
}

void BeatClock::follow(double bpm, double beatTime, double now) {
  setTempo(bpm, beatTime);
  confidence_ = 1;
  established_ = true;
  lastTime_ = now;
  followedUntil_ = now + 1.0;
}

void BeatClock::update(const TempoMeasurement& m, double now) {
  if (now < followedUntil_) return;
  decay(now);
  if (!m.valid) return;
  if (m.strength < options_.lockStrength) {
    followEvidence(m);
    return;
  }
  bool tapped = now - tappedAt_ < options_.tapHoldSeconds;

  if (period_ <= 0) {
    period_ = m.period, anchor_ = m.lastBeat;
    confidence_ = m.strength * 0.5;
    return;
  }
  // Keep the anchor on the latest beat so that a period change turns the
  // grid around now, not around a beat long ago.
  anchor_ += std::floor((now - anchor_) / period_) * period_;

  // Tempo: small differences are tracked at once; a different tempo must
  // persist for switchSeconds (a fill or a breakdown must not move it).
  double ratio = m.period / period_;
  if (std::abs(ratio - 1) < 0.06) {
    period_ += (tapped ? 0.25 : 1.0) * options_.periodGain * (m.period - period_);
    pendingSince_ = -1;
  } else if (!tapped) {
    if (pendingSince_ < 0 || std::abs(m.period / pendingPeriod_ - 1) > 0.06) {
      pendingPeriod_ = m.period, pendingSince_ = now;
    } else if (now - pendingSince_ >= options_.switchSeconds) {
      period_ = m.period, anchor_ = m.lastBeat;
      pendingSince_ = pendingPhaseSince_ = -1;
      confidence_ *= 0.5;
      return;
    }
    confidence_ += 0.05 * (0.0 - confidence_);
    return;
  }

  // Phase: correct small errors; a large one (the grid on the off-beat)
  // must persist before the grid jumps.
  double error = wrap(m.lastBeat - anchor_, period_);
  if (std::abs(error) < 0.2 * period_) {
    anchor_ += (tapped ? 0.25 : 1.0) * options_.phaseGain * error;
    pendingPhaseSince_ = -1;
    confidence_ += 0.1 * (m.strength - confidence_);
    if (confidence_ > 0.5) established_ = true;
  } else if (!tapped) {
    if (pendingPhaseSince_ < 0) {
      pendingPhaseSince_ = now;
    } else if (now - pendingPhaseSince_ >= options_.switchSeconds) {
      anchor_ += error;
      pendingPhaseSince_ = -1;
      confidence_ *= 0.5;
    }
    confidence_ += 0.05 * (0.0 - confidence_);
  }
}

void BeatClock::followEvidence(const TempoMeasurement& m) {
  if (period_ <= 0) return;
  bool sameTempo = std::abs(m.period / period_ - 1) < 0.06;
  bool samePhase = std::abs(wrap(m.lastBeat - anchor_, period_)) < 0.2 * period_;
  if (sameTempo && samePhase) confidence_ += 0.1 * (m.evidence - confidence_);
}

void BeatClock::tap(double t) {
  if (!taps_.empty() && t - taps_.back() > 2.0) taps_.clear();
  taps_.push_back(t);
  while (taps_.size() > 8) taps_.pop_front();
  if (taps_.size() < 2) return;
  period_ = (taps_.back() - taps_.front()) / double(taps_.size() - 1);
  anchor_ = t;
  confidence_ = 1;
  established_ = true;
  tappedAt_ = t;
  pendingSince_ = pendingPhaseSince_ = -1;
}

}  // namespace afterimage::audio
