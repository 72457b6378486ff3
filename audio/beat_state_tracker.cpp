#include "audio/beat_state_tracker.h"

#include <algorithm>
#include <cmath>

namespace afterimage::audio {

BeatStateTracker::BeatStateTracker(Options options) : options_(options) {
  minPeriod_ = std::max(2, int(std::floor(options.frameRate * 60.0 / options.maxBpm)));
  maxPeriod_ = std::max(minPeriod_, int(std::ceil(options.frameRate * 60.0 / options.minBpm)));
  beatFrames_ = std::clamp(int(std::lround(options.beatSeconds * options.frameRate)), 1, minPeriod_ / 2);
  const int periods = maxPeriod_ - minPeriod_ + 1;
  offset_.resize(size_t(periods) + 1);
  priorPerBeat_.resize(size_t(periods));
  for (int i = 0, at = 0; i <= periods; ++i) {
    offset_[size_t(i)] = at;
    if (i == periods) break;
    int period = minPeriod_ + i;
    at += period;
    double bpm = 60.0 * options.frameRate / period;
    double deviations = std::max(0.0, std::abs(std::log2(bpm / options.priorBpm)) - options.priorFlatOctaves) / options.priorOctaves;
    priorPerBeat_[size_t(i)] = float(std::exp(-0.5 * deviations * deviations * options.priorPerSecond * period / options.frameRate));
  }
  weights_.resize(size_t(offset_.back()));
  lowAtBeat_.assign(weights_.size(), 0.0f);
  lowWindow_.assign(size_t(beatFrames_), 0.0f);
  zAtBeat_.assign(weights_.size(), 0.0f);
  zWindow_.assign(size_t(beatFrames_), 0.0f);
  reset();
  // Period changes at the end of a beat, each source's row normalised so
  // that no period gains or loses weight by being left more often.
  into_.assign(size_t(periods), {});
  for (int from = minPeriod_; from <= maxPeriod_; ++from) {
    std::vector<std::pair<int, double>> row;
    double sum = 0;
    for (int to = minPeriod_; to <= maxPeriod_; ++to) {
      double cost = options.tempoChange * std::abs(double(to) / from - 1.0);
      if (cost > 8) continue;
      double w = std::exp(-cost);
      row.push_back({to, w}), sum += w;
    }
    for (auto [to, w] : row) into_[size_t(to - minPeriod_)].push_back({from - minPeriod_, float(w / sum)});
  }
  ending_.resize(size_t(periods));
}

void BeatStateTracker::push(float strength, float lowStrength, double time) {
  const double dt = 1.0 / options_.frameRate;
  // The running mean, corrected for its start from zero (as Adam's
  // moments are): otherwise every frame of the first second would stand
  // far above it and reward the fastest tempi.
  const double decay = std::exp(-dt / options_.meanSeconds);
  mean_ += (1 - decay) * (double(strength) - mean_);
  startWeight_ *= decay;
  const double mean = mean_ / (1 - startWeight_);
  const double z = mean > 1e-9 ? std::clamp(double(strength) / mean - 1.0, -1.0, options_.onsetCeiling) : 0.0;
  const float onBeat = float(std::exp(options_.onsetWeight * (z - options_.beatCost)));
  ++frame_;
  time_ = time;

  const int periods = maxPeriod_ - minPeriod_ + 1;
  // The low band and z over the last beatFrames_ frames: a beat state's
  // window that has just ended.
  lowWindow_[size_t(frame_ % beatFrames_)] = lowStrength;
  zWindow_[size_t(frame_ % beatFrames_)] = float(z);
  float lowMean = 0, zMean = 0;
  for (int k = 0; k < beatFrames_; ++k) lowMean += lowWindow_[size_t(k)], zMean += zWindow_[size_t(k)];
  lowMean /= float(beatFrames_);
  zMean /= float(beatFrames_);
  const float lowRate = float(1.0 / options_.lowBeats), supportRate = float(1.0 / options_.supportBeats);
  // Position P-1 becomes position 0: the same slot, (frame) mod P.
  for (int i = 0; i < periods; ++i) {
    int period = minPeriod_ + i;
    ending_[size_t(i)] = weights_[size_t(offset_[size_t(i)] + int(frame_ % period))];
  }
  for (int i = 0; i < periods; ++i) {
    int period = minPeriod_ + i;
    float* w = weights_.data() + offset_[size_t(i)];
    double arriving = 0;
    for (const Transition& t : into_[size_t(i)]) arriving += double(ending_[size_t(t.from)]) * t.weight;
    // The prior of the period for the whole beat it starts: one factor here
    // instead of one on every state each frame.
    w[frame_ % period] = float(arriving) * priorPerBeat_[size_t(i)];
    for (int p = 0; p < beatFrames_; ++p) w[(frame_ + period - p) % period] *= onBeat;
    const size_t ended = size_t(offset_[size_t(i)] + (frame_ + period - (beatFrames_ - 1)) % period);
    lowAtBeat_[ended] += lowRate * (lowMean - lowAtBeat_[ended]);
    zAtBeat_[ended] += supportRate * (zMean - zAtBeat_[ended]);
  }
  // Within a few frames the weights can neither overflow nor underflow.
  if (frame_ % kNormaliseEvery == 0) normalise();
}

void BeatStateTracker::normalise() {
  double total = 0;
  for (float w : weights_) total += w;
  if (!(total > 1e-30) || !std::isfinite(total)) {
    reset();
    return;
  }
  const float scale = float(1.0 / total);
  for (float& w : weights_) w *= scale;
}

void BeatStateTracker::reset() {
  const int periods = maxPeriod_ - minPeriod_ + 1;
  for (int i = 0; i < periods; ++i) {
    int period = minPeriod_ + i;
    std::fill_n(weights_.begin() + offset_[size_t(i)], period, 1.0f / float(periods * period));
  }
}

TempoMeasurement BeatStateTracker::measurement() {
  TempoMeasurement m;
  if (frame_ < maxPeriod_) return m;
  const int periods = maxPeriod_ - minPeriod_ + 1;
  size_t best = size_t(std::max_element(weights_.begin(), weights_.end()) - weights_.begin());
  int i = int(std::upper_bound(offset_.begin(), offset_.end(), int(best)) - offset_.begin()) - 1;
  int period = minPeriod_ + i;
  int slot = int(best) - offset_[size_t(i)];
  int position = int(((frame_ - slot) % period + period) % period);
  // Evidence: the probability near the best state, at tempi within 6 %
  // and phases within a tenth of a beat of it; the phase: their mean.
  double near = 0, offset = 0;
  double bestPhase = double(position) / period;
  for (int j = 0; j < periods; ++j) {
    int other = minPeriod_ + j;
    if (std::abs(double(other) / period - 1.0) > 0.06) continue;
    const float* w = weights_.data() + offset_[size_t(j)];
    for (int s = 0; s < other; ++s) {
      double phase = double(((frame_ - s) % other + other) % other) / other;
      double d = phase - bestPhase;
      d -= std::floor(d + 0.5);
      if (std::abs(d) < 0.1) near += w[s], offset += w[s] * d;
    }
  }
  double fine = near > 0 ? offset / near * period : 0.0;  // frames from the best state's phase to their mean
  const long long beatFrame = frame_ - position;
  long long moved = ((beatFrame - bestBeatFrame_) % period + period) % period;
  const bool samePhase = std::min(moved, period - moved) <= period / 8;
  bestBeatFrame_ = beatFrame;
  // Beat or off-beat: the one with the stronger low band (the kick, the
  // bass), where the flux of all bands finds the off-beat hats or chords
  // as strong as the beat. The off-beat is taken where its low band is
  // clearly stronger, and kept while the best phase stays and its low band
  // is not weaker, so that the beat does not hop between the two.
  {
    const float* low = lowAtBeat_.data() + offset_[size_t(i)];
    const int at = int((frame_ - position) % period);
    const int half = (at + period / 2) % period, halfNext = (at + (period + 1) / 2) % period;
    const double atBeat = low[at], atOffbeat = 0.5 * (low[half] + low[halfNext]);
    offbeat_ = atOffbeat > (samePhase && offbeat_ ? 1.0 : options_.offbeatRatio) * atBeat;
    if (offbeat_) {
      position = position >= period / 2 ? position - period / 2 : position + (period + 1) / 2;
      fine -= 0.5 * (period % 2);  // an odd period's off-beat falls between two frames
    }
  }
  m.valid = true;
  m.support = zAtBeat_[size_t(offset_[size_t(i)] + int((frame_ - position) % period))];
  m.period = double(period) / options_.frameRate;
  // The beat: the mean phase of the states near the best one (a sharp
  // onset weighs all the positions of a beat's tolerance alike), less half
  // that tolerance.
  m.lastBeat = time_ - (position + fine - 0.5 * (beatFrames_ - 1)) / options_.frameRate - options_.onsetDelay;
  double total = 0;
  for (float w : weights_) total += w;
  m.evidence = total > 0 ? std::clamp(near / total, 0.0, 1.0) : 0.0;
  // Support rather than loudness: without new onsets the probability keeps
  // its shape (evidence stays high through a breakdown), and a passage
  // quieter than the song's long-run level may still carry a clear beat.
  m.strength = m.evidence * std::clamp(m.support / options_.supportFull, 0.0, 1.0);
  return m;
}

}  // namespace afterimage::audio
