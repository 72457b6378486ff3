#include "audio/tempo_estimator.h"

#include <algorithm>
#include <cmath>

namespace afterimage::audio {

TempoEstimator::TempoEstimator(Options options) : options_(options) {
  size_t length = size_t(options.historySeconds * options.frameRate);
  history_.assign(length, 0.0f);
  minLag_ = size_t(std::floor(options.frameRate * 60.0 / options.maxBpm));
  maxLag_ = size_t(std::ceil(options.frameRate * 60.0 / options.minBpm));
  ac_.assign(4 * maxLag_ + 2, 0.0);
}

void TempoEstimator::push(float strength, double time) {
  history_[next_] = strength;
  next_ = (next_ + 1) % history_.size();
  count_ = std::min(count_ + 1, history_.size());
  lastTime_ = time;
  // The long-run level rises within seconds and falls over half a minute,
  // so a breakdown shows as low activity for its whole length.
  double dt = 1.0 / options_.frameRate;
  recentLevel_ += (1 - std::exp(-dt / 1.5)) * (strength - recentLevel_);
  double tau = recentLevel_ > longLevel_ ? 3.0 : 30.0;
  longLevel_ += (1 - std::exp(-dt / tau)) * (recentLevel_ - longLevel_);
}

double TempoEstimator::autocorrelationAt(double lag) const {
  size_t i = size_t(lag);
  if (i + 1 >= ac_.size()) return 0;
  double f = lag - double(i);
  return ac_[i] * (1 - f) + ac_[i + 1] * f;
}

void TempoEstimator::phaseScores(double lag, double* best, double* mean) const {
  int beats = std::min(8, int(std::floor(double(rectified_.size() - 1) / lag)));
  *best = -1, *mean = 0;
  int phases = 0;
  for (double phase = 0; phase < lag; phase += 0.5, ++phases) {
    double s = 0, w = 1;
    for (int k = 0; k < beats; ++k, w *= options_.combDecay) s += w * valueAt(phase + k * lag);
    *mean += s;
    if (s > *best) *best = s, bestPhase_ = phase;
  }
  *mean /= std::max(1, phases);
}

double TempoEstimator::bestPhaseFor(double lag) const {
  double best, mean;
  phaseScores(lag, &best, &mean);
  return bestPhase_;
}

double TempoEstimator::gridMean(double lag, double phase, int halfWidth) const {
  double sum = 0;
  int count = 0;
  double span = options_.frameRate * 4.0;  // the last 4 seconds
  for (double at = phase; at < std::min(span, double(rectified_.size() - 2)); at += lag, ++count) {
    double peak = 0;
    for (int d = -halfWidth; d <= halfWidth; ++d) peak = std::max(peak, valueAt(std::max(0.0, at + d)));
    sum += peak;
  }
  return count ? sum / count : 0;
}

void TempoEstimator::removeFloor(size_t validLags) {
  // The floor at a lag: the mean over +-25 % of it (wider than a peak,
  // narrower than the gap to the next metrical level).
  floor_.assign(validLags + 1, 0.0);  // running sums of ac_
  for (size_t lag = 0; lag < validLags; ++lag) floor_[lag + 1] = floor_[lag] + ac_[lag];
  for (size_t lag = validLags; lag-- > minLag_ / 2;) {
    size_t from = lag - lag / 4, to = std::min(validLags, lag + lag / 4 + 1);
    ac_[lag] = std::max(0.0, ac_[lag] - (floor_[to] - floor_[from]) / double(to - from));
  }
}

double TempoEstimator::valueAt(double framesAgo) const {
  double index = double(rectified_.size() - 1) - framesAgo;
  if (index < 0) return 0;
  size_t i = size_t(index);
  double f = index - double(i);
  double next = i + 1 < rectified_.size() ? rectified_[i + 1] : rectified_[i];
  return rectified_[i] * (1 - f) + next * f;
}

TempoMeasurement TempoEstimator::estimate(double expectedPeriod) {
  TempoMeasurement m;
  size_t n = count_;
  // The harmonic sum needs four periods of the slowest tempo; before that
  // it would favour fast tempi.
  if (n < 4 * maxLag_ + size_t(options_.frameRate / 4)) return m;

  // Oldest to newest, minus a local mean, half-wave rectified: peaks only.
  linear_.resize(n);
  size_t start = (next_ + history_.size() - n) % history_.size();
  for (size_t i = 0; i < n; ++i) linear_[i] = history_[(start + i) % history_.size()];
  rectified_.resize(n);
  const int half = int(options_.frameRate * 0.06);
  double sum = 0;
  int width = 0;
  for (int i = 0; i < int(n); ++i) {
    // running window [i-half, i+half]
    int add = i + half, drop = i - half - 1;
    if (i == 0) {
      for (int j = 0; j <= std::min(half, int(n) - 1); ++j) sum += linear_[j], ++width;
    } else {
      if (add < int(n)) sum += linear_[add], ++width;
      if (drop >= 0) sum -= linear_[drop], --width;
    }
    rectified_[i] = std::max(0.0f, linear_[i] - float(sum / width));
  }

  double energy = 0;
  for (float v : rectified_) energy += double(v) * v;
  if (energy <= 1e-12) return m;
  size_t maxAc = std::min(ac_.size(), n - 1);
  for (size_t lag = 0; lag < ac_.size(); ++lag) {
    if (lag >= maxAc) {
      ac_[lag] = 0;
      continue;
    }
    double s = 0;
    for (size_t i = lag; i < n; ++i) s += double(rectified_[i]) * rectified_[i - lag];
    ac_[lag] = s / double(n - lag);
  }
  double ac0 = ac_[0];
  // Only what stands above the autocorrelation's local floor is evidence of
  // a period: real music keeps a broad floor (every lag correlates a
  // little), on which the harmonic sum would add the same amount to every
  // candidate and leave the choice to the prior.
  removeFloor(maxAc);

  // Period: harmonic sum of the autocorrelation times the tempo prior.
  double bestScore = -1, bestLag = 0;
  std::vector<double> scores(maxLag_ + 2, 0.0);
  for (size_t lag = minLag_; lag <= maxLag_; ++lag) {
    double harmonic = 0;
    for (int k = 1; k <= options_.harmonics; ++k) harmonic += autocorrelationAt(double(lag * k));
    double bpm = 60.0 * options_.frameRate / double(lag);
    double octaves = std::log2(bpm / options_.priorBpm) / options_.priorOctaves;
    scores[lag] = harmonic * std::exp(-0.5 * octaves * octaves);
    if (scores[lag] > bestScore) bestScore = scores[lag], bestLag = double(lag);
  }
  if (expectedPeriod > 0) {
    double expected = expectedPeriod * options_.frameRate;
    size_t e = size_t(std::lround(expected));
    if (e > minLag_ && e < maxLag_) {
      size_t peak = scores[e - 1] > scores[e] ? e - 1 : scores[e + 1] > scores[e] ? e + 1 : e;
      if (scores[peak] >= options_.keepExpected * bestScore) bestLag = double(peak);
    }
  }
  // Refine: the first harmonics' peaks, searched near multiples of the lag.
  size_t lag = size_t(bestLag);
  if (lag > minLag_ && lag < maxLag_) {
    double a = scores[lag - 1], b = scores[lag], c = scores[lag + 1];
    double denom = a - 2 * b + c;
    if (denom < 0) bestLag += std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
  }
  double refined = 0, weight = 0;
  for (int k = 2; k <= 4; ++k) {
    double centre = bestLag * k, bestValue = -1, bestAt = centre;
    for (double d = -2; d <= 2; d += 0.25) {
      double v = autocorrelationAt(centre + d);
      if (v > bestValue) bestValue = v, bestAt = centre + d;
    }
    refined += bestAt / k * bestValue, weight += bestValue;
  }
  if (weight > 0) bestLag = 0.5 * bestLag + 0.5 * refined / weight;

  // The harmonic sum cannot tell the beat from half or double its rate
  // when kick and snare alternate or hats fill the off-beats; decide the
  // metrical level from how full the grid is: the midpoints of the grid
  // busy like the grid itself mean a faster beat, every other grid point
  // nearly empty means a slower one.
  double bestPhase = bestPhaseFor(bestLag);
  const double fastestLag = options_.frameRate * 60.0 / options_.maxBpm;
  const double slowestLag = options_.frameRate * 60.0 / options_.minBpm;
  double onGrid = gridMean(bestLag, bestPhase, 1), midpoints = gridMean(bestLag, bestPhase + bestLag / 2, 1);
  double even = gridMean(2 * bestLag, bestPhase, 1), odd = gridMean(2 * bestLag, bestPhase + bestLag, 1);
  if (onGrid > 0 && midpoints / onGrid > options_.fasterRatio && bestLag / 2 >= fastestLag) {
    bestLag /= 2;
    bestPhase = bestPhaseFor(bestLag);
  } else if (std::max(even, odd) > 0 && std::min(even, odd) / std::max(even, odd) < options_.slowerRatio &&
             bestLag * 2 <= slowestLag) {
    bestPhase = even >= odd ? bestPhase : bestPhase + bestLag;
    bestLag *= 2;
  }
  // Syncopation three sixteenths apart (funk) makes 4/3 of the tempo
  // periodic too; the true beat's grid is then at least as full. Swing
  // (triplets) fills a 4/3 grid as well, so the switch must also bring the
  // tempo nearer the prior's centre.
  auto fromPrior = [&](double lag) {
    return std::abs(std::log2(60.0 * options_.frameRate / lag / options_.priorBpm));
  };
  if (double slower = bestLag * 4 / 3; slower <= slowestLag && fromPrior(slower) < fromPrior(bestLag)) {
    double phase = bestPhaseFor(slower);
    double full = gridMean(slower, phase, 1), current = gridMean(bestLag, bestPhase, 1);
    if (full > options_.fourThirdsRatio * current) bestLag = slower, bestPhase = phase;
  }
  double bestPhaseScore = 0, meanScore = 0;
  phaseScores(bestLag, &bestPhaseScore, &meanScore);

  m.valid = true;
  m.period = bestLag / options_.frameRate;
  m.lastBeat = lastTime_ - bestPhase / options_.frameRate - options_.onsetDelay;
  // Strength: how much the beat grid stands out from the average phase,
  // and how periodic the signal is at the beat lag.
  double contrast = bestPhaseScore > 0 ? 1.0 - meanScore / bestPhaseScore : 0;
  double periodicity = ac0 > 0 ? std::clamp(autocorrelationAt(bestLag) / ac0, 0.0, 1.0) : 0;
  m.activity = longLevel_ > 0 ? std::clamp(recentLevel_ / longLevel_, 0.0, 1.0) : 0;
  m.evidence = std::clamp(0.5 * contrast + 0.5 * std::sqrt(periodicity), 0.0, 1.0);
  m.strength = m.evidence * std::clamp((m.activity - 0.35) / 0.35, 0.0, 1.0);
  return m;
}

}  // namespace afterimage::audio
