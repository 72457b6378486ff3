// Whether the beat divides in two or in three (straight eighths and
// sixteenths against triplets, a shuffle, 6/8 and 12/8 counted as people
// tap them), causally, from where the onsets fall between the beats: each
// beat's onset strength is sampled at its thirds (1/3, 2/3) and at its
// halves and quarters (1/2; 1/4, 3/4), the share of the thirds in the two
// is averaged over the last beats, and the beat is in three where that
// share stays high (with hysteresis, so it does not flicker). A swing that
// moves the off-eighth to 2/3 of the beat counts as three, as a shuffle is
// written. No allocation after construction.
#pragma once
#include <cstddef>
#include <vector>

namespace afterimage::audio {

class SubdivisionTracker {
 public:
  struct Options {
    double memoryBeats = 12;     // each beat's share decays by 1/e over this many beats
    double enterShare = 0.62;    // three once the mean share of the thirds is above this...
    double leaveShare = 0.5;     // ...and two again once it is below this
    int afterBeats = 8;          // two until this many beats have been heard
    double lookBackSeconds = 4;  // onset strength kept: a beat of the slowest tempo and room
  };

  // onsetLag: seconds the onset strength peaks after an attack (a quarter
  // of its window and more: the beat tracker's onsetDelay), so that the
  // places sampled are where the attacks' flux is. Throws
  // std::invalid_argument for options out of range.
  SubdivisionTracker(double hopSeconds, double onsetLag, Options options);
  SubdivisionTracker(double hopSeconds, double onsetLag) : SubdivisionTracker(hopSeconds, onsetLag, Options{}) {}

  // Every analysis hop: the onset strength (any rectified flux) heard up to
  // `time` (non-finite values count as 0).
  void push(float onsetStrength, double time);
  // A beat that started at `start` and ended at `end` (not after the last
  // push): its onsets count now.
  void beat(double start, double end);

  int subdivision() const { return triple_ ? 3 : 2; }
  // The mean share of the thirds in the onsets between the beats (0..1).
  double tripleShare() const { return weight_ > 0 ? share_ / weight_ : 0.0; }

 private:
  struct Sample {
    double time = 0;
    float onset = 0;
  };
  // The strongest onset in [from, to).
  float peak(double from, double to) const;

  Options options_;
  double hopSeconds_, onsetLag_;
  std::vector<Sample> samples_;  // ring
  size_t count_ = 0;
  double share_ = 0, weight_ = 0;  // decaying sums
  long long beats_ = 0;
  bool triple_ = false;
};

}  // namespace afterimage::audio
