// Tempo and beat phase from the recent onset strength, causally: the
// autocorrelation of the last seconds of onset strength, summed over the
// first multiples of each candidate period and weighted by a broad prior
// on the tempo, gives the period; a comb over the same history, weighted
// towards recent beats, gives where the last beat fell.
#pragma once
#include <cstddef>
#include <vector>

namespace afterimage::audio {

struct TempoMeasurement {
  bool valid = false;
  double period = 0;     // seconds per beat
  double lastBeat = 0;   // time of the most recent beat, seconds
  double evidence = 0;   // 0..1: how periodic the onset strength is and how the beat grid stands out
  double strength = 0;   // whether the measurement may steer a clock: evidence times activity (or support)
  double activity = 0;   // 0..1: recent onset strength against its long-run level (low in a breakdown)
  double support = 0;    // BeatStateTracker: onset strength over its mean on the last beats
};

class TempoEstimator {
 public:
  struct Options {
    double frameRate = 44100.0 / 256;  // onset-strength values per second
    double historySeconds = 8;
    double minBpm = 60, maxBpm = 185;
    double priorBpm = 115, priorOctaves = 0.9;  // log-normal prior on the tempo
    double combDecay = 0.75;                    // weight of each older beat in the phase comb
    double onsetDelay = 0.011;                  // seconds the onset strength lags the sound
    int harmonics = 4;
    double keepExpected = 0.75;                 // keep the expected period if it scores this fraction of the best
    double fasterRatio = 0.22;                   // grid midpoints this busy: the beat is twice as fast
    double slowerRatio = 0.3;                   // every other grid point this empty: half as fast
    double fourThirdsRatio = 1.0;               // a grid 4/3 as long this full (relative): it is the beat                          // multiples of the period summed in the score
  };
  explicit TempoEstimator(Options options);

  // Appends one onset-strength value, for the frame ending at `time`.
  void push(float strength, double time);
  // Re-estimates from the history (call every few frames). A period the
  // caller already follows (seconds, 0: none) is kept while the
  // autocorrelation still supports it, so fills and the first bars after a
  // breakdown do not throw the tempo off.
  TempoMeasurement estimate(double expectedPeriod = 0);

  size_t frames() const { return count_; }

 private:
  double autocorrelationAt(double lag) const;  // linear interpolation of ac_
  void removeFloor(size_t validLags);          // ac_ minus its local mean, rectified
  double valueAt(double framesAgo) const;      // of the rectified history
  // Comb over the recent beats of period `lag` frames: the best and mean
  // score over the phases; bestPhase_ gets the best phase (frames ago).
  void phaseScores(double lag, double* best, double* mean) const;
  double bestPhaseFor(double lag) const;
  // Mean peak of the rectified history at the grid points phase + k * lag.
  double gridMean(double lag, double phase, int halfWidth) const;
  mutable double bestPhase_ = 0;

  Options options_;
  std::vector<float> history_;  // circular
  size_t next_ = 0, count_ = 0;
  double lastTime_ = 0;
  double longLevel_ = 0, recentLevel_ = 0;  // slow and fast followers of the onset strength
  std::vector<float> linear_, rectified_;
  std::vector<double> ac_, floor_;
  size_t minLag_, maxLag_;
};

}  // namespace afterimage::audio
