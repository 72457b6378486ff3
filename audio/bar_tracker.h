// Counting the bar: which beat is the downbeat and whether a bar has three
// beats or four, causally, from what each beat sounds like. Three kinds of
// evidence that a beat begins a bar, each measured against its own running
// mean and spread and then added with equal weight:
//   harmony: the chords change on the downbeat: the cosine distance between
//            the chroma (pitch classes, 100 Hz - 2 kHz) of the beat and the
//            beat before it
//   bass:    the bass note changes there: the same for the bass's chroma
//            (40-200 Hz; a bin a pitch class, so at ~11 Hz bins it is a
//            coarse one: it sees the low spectrum change more than notes)
//   drums:   the kick falls on the bar's strong beats and the snare on its
//            backbeats: kick minus snare strength at the beat
// (the beat-synchronous features of the downbeat literature: Papadopoulos
// and Peeters' chord changes, Davies and Plumbley's spectral difference,
// Durand et al.'s harmonic, bass and percussive streams, here without a
// learned model). For three and four beats to the bar, each position keeps
// the decaying sum of its beats' evidence and of its beats; the downbeat is
// the position with the most evidence per beat (held until another leads
// clearly: a show's bar-locked effects stutter on every move). The bar has
// three beats where that position stands out more over three than over
// four (with hysteresis, so the count does not flicker), four otherwise;
// two where the beat divides in three and the third beat of four is as
// much a downbeat as the first (6/8 tapped in dotted quarters). A beat is
// counted one beat late, when the frames of its end are in; beats the
// clock skipped still advance the count. Chroma needs a long window (~93
// ms) for its bass notes: this class keeps its own spectrum, a frame every
// few hops. No allocation after construction.
#pragma once
#include <array>
#include <vector>

#include "audio/magnitude_spectrum.h"

namespace afterimage::audio {

class BarTracker {
 public:
  struct Options {
    double windowSeconds = 0.093;  // the chroma spectrum (a power of two in samples)
    int hopsPerFrame = 4;          // analysis hops per chroma frame
    double memoryBeats = 50;       // each position's evidence decays by 1/e over this many beats
    double normalizeBeats = 20;    // the running mean and spread of each evidence, over ~this many beats
    double meterSwitch = 1.25;     // the other meter must stand out this much more to take over
    int meterAfterBeats = 8;       // four to the bar until two bars of four have been heard
    // Another position becomes the downbeat once its mean evidence a beat
    // leads by this much (in spreads of one kind of evidence).
    double downbeatSwitch = 0.5;
    double drumsBefore = 0.05, drumsAfter = 0.07;  // seconds around a beat where its kick and snare are looked for
    // With the beat in three: two beats a bar once the chord change on the
    // third beat of four stands out over the second's and fourth's this
    // many times as much as the first's over the third's; four again below
    // twoBeatsLeave.
    double twoBeatsEnter = 1.0, twoBeatsLeave = 0.7;
  };

  BarTracker(int sampleRate, int hopSize, Options options);
  BarTracker(int sampleRate, int hopSize) : BarTracker(sampleRate, hopSize, Options{}) {}

  // Every analysis hop: its samples (hopSize), the time heard up to, the
  // analyzer's gain (the level's normalisation) and the drum detector's
  // kick and snare strengths for it.
  void push(const float* hop, double time, double gain, float kick, float snare);
  // A beat at `time` (not after the last push) of a clock at `period`
  // seconds: its place in the bar, 0 the downbeat. The evidence of the beat
  // before last is counted first.
  int beat(double time, double period);
  int beatsPerBar() const { return meter_; }
  // Whether the beat divides in three (SubdivisionTracker), before beat():
  // only then may a bar have two beats (6/8, its dotted quarters tapped).
  void setTriple(bool triple) { triple_ = triple; }

 private:
  struct Frame {
    double time = 0;  // the middle of its window
    std::array<float, 12> chroma{}, bass{};
  };
  struct DrumHop {
    double time = 0;
    float kick = 0, snare = 0;
  };
  // A value against its running mean and spread, within +-3 (0 for the first two).
  struct RunningZ {
    double mean = 0, variance = 0;
    long long count = 0;
    double push(double x, double rate);
  };

  // A beat's span and its number in the count.
  struct Span {
    double start = 0, end = 0;
    long long index = -1;
  };

  void addFrame(const float* magnitude, double time, double gain);
  void countBeat(const Span& beat);  // adds its evidence
  double contrast(int meter) const;
  int downbeatPosition(int meter) const;
  int bestPosition(int meter) const;
  double meanEvidence(int meter, int position) const;

  Options options_;
  MagnitudeSpectrum spectrum_;
  int sampleRate_, hopSize_;
  std::vector<float> pending_;  // hops gathered for the next chroma frame
  int pendingHops_ = 0;
  std::vector<int> binPitchClass_, binBassClass_;  // -1 where a bin counts for neither
  std::vector<Frame> frames_;   // ring, oldest overwritten
  size_t frameCount_ = 0;       // frames written since construction
  std::vector<DrumHop> drums_;  // ring
  size_t drumCount_ = 0;
  std::array<float, 12> previousChroma_{}, previousBass_{};
  bool havePrevious_ = false;
  RunningZ harmony_, bassChange_, drumAccent_;
  std::array<std::array<double, 4>, 2> evidence_{}, weight_{};  // [meter 3 or 4][position]
  std::array<double, 4> harmonyOfFour_{};  // the harmony evidence alone, by position in four
  long long beatCount_ = 0;  // beats counted in the bar, those the clock skipped included
  double lastBeat_ = 0;
  Span uncounted_;  // the last beat but one, counted at the next beat
  int meter_ = 4;  // 2 (with triple_ only), 3 or 4
  bool triple_ = false;
  std::array<int, 2> downbeat_{};  // the downbeat's position for three and four beats
};

}  // namespace afterimage::audio
