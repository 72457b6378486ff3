// Tempo and beat phase as a hidden state, followed causally: every state is
// a beat period (whole frames) and a position within the beat; each frame
// the position advances, at the end of a beat the period may change a
// little, and the onset strength weighs the states that are on a beat (the
// forward pass of Krebs, Boeck and Widmer's 2015 bar-pointer model, one
// beat long, with the onset strength as its observation). All metrical
// levels are followed at once, so the decision between the tapped beat
// and its double or half is revised as evidence accumulates instead of
// being made once from one window. The observation is the onset strength
// against its recent mean, less a cost: a beat state's weight rises where
// the onset strength stands more than half its mean above the mean and
// falls elsewhere, so an extra metrical level must be earned by onsets on
// its extra beats, and a level whose every other beat is empty loses. A
// tempo prior, flat from 88 to 144 BPM and falling off beyond, leans the
// close calls towards the tempi people tap. The onsets of all bands find
// the pulse but not always which of its two streams is the beat: where
// off-beat hats or chords are as strong as the beat, the beat is put on
// the stream where the low band (kick, bass) starts.
#pragma once
#include <vector>

#include "audio/tempo_estimator.h"

namespace afterimage::audio {

class BeatStateTracker {
 public:
  struct Options {
    double frameRate = 44100.0 / 256;  // onset-strength values per second
    double minBpm = 55, maxBpm = 215;
    double tempoChange = 100;     // a period ratio r at a beat weighs exp(-tempoChange * |r - 1|)
    double beatSeconds = 0.035;   // how long a beat state lasts: the tolerance for a played beat
    double onsetWeight = 0.5;     // log weight per frame on a beat, per unit of onset strength over its mean
    double meanSeconds = 1.5;     // the onset strength's running mean
    // Onset strength over its mean counts up to this many means: the beat
    // is the most regular stream, not the loudest; one loud kick per bar
    // must not outweigh hats on every beat.
    double onsetCeiling = 1.5;
    double beatCost = 0.5;        // subtracted from the onset strength (in means) on a beat state: a beat must be earned
    double priorBpm = 113, priorOctaves = 0.6;  // log-normal prior on the tempo, beyond the flat part
    double priorFlatOctaves = 0.35;  // the prior is flat this far either side of priorBpm (88-144 BPM)
    double priorPerSecond = 3.0;  // how much the prior weighs per second (log units at one deviation)
    double onsetDelay = 0.011;    // seconds the onset strength lags the sound
    // The beat or the off-beat: where the low band's onsets at the
    // off-beat of the best phase outweigh those at its beat this many
    // times (averaged over about lowBeats beats), the beat is the off-beat.
    double offbeatRatio = 2, lowBeats = 8;
    // Support: the onset strength (over its mean, z) on the best state's
    // last beats (averaged over about supportBeats beats). A measurement
    // steers the beat clock in proportion to it, fully from supportFull
    // on: a quiet verse whose drums go on steers it, a breakdown whose
    // drums stop does not, whatever the level.
    double supportBeats = 8, supportFull = 0.3;
  };
  explicit BeatStateTracker(Options options);

  // One onset-strength value, for the frame ending at `time`, and the
  // low band's part of it (kick and bass).
  void push(float strength, float lowStrength, double time);
  // The most likely state now: period, the last beat, how much of the
  // probability agrees with it (evidence), how strongly onsets came on its
  // last beats (support) and from both whether it may steer a clock
  // (strength). Activity is left to the caller. Not
  // const: the choice between beat and off-beat holds until the other
  // side's evidence is clearly stronger.
  TempoMeasurement measurement();

 private:
  static constexpr int kNormaliseEvery = 8;  // frames
  void normalise();
  void reset();  // uniform over the states

  Options options_;
  int minPeriod_ = 0, maxPeriod_ = 0, beatFrames_ = 1;
  std::vector<int> offset_;        // first state of each period (index: period - minPeriod_)
  std::vector<float> weights_;     // the state probabilities; position p of period P at offset_ + (frame - p) mod P
  std::vector<float> lowAtBeat_;   // per state slot (a period and a beat phase): the low band's mean onset strength on its beats
  std::vector<float> lowWindow_;   // the low band's last beatFrames_ values, as a ring
  std::vector<float> zAtBeat_;     // per state slot: the mean z on its beats (see Options::supportBeats)
  std::vector<float> zWindow_;     // z's last beatFrames_ values, as a ring
  std::vector<float> priorPerBeat_;  // the prior's factor for one beat of each period
  std::vector<float> ending_;      // per period: the weight leaving its last position this frame
  struct Transition { int from; float weight; };
  std::vector<std::vector<Transition>> into_;  // per destination period
  long long frame_ = 0;
  long long bestBeatFrame_ = 0;  // the best state's last beat at the last measurement()
  bool offbeat_ = false;         // whether that measurement() reported its off-beat instead
  double time_ = 0, mean_ = 0, startWeight_ = 1;
};

}  // namespace afterimage::audio
