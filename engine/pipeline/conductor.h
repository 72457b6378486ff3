// The conductor: each frame, the set evaluated against the music at the
// time the frame will be shown. Base parameters of the active scene, then
// the mappings (features through envelopes and curves), the LFOs (locked to
// the beat grid), the triggers (pulses, seed advances, scene cuts on beats,
// bars, onsets, kick, snare and hat hits, build-ups, drops or breakdowns) and the scene sequence (changes on bar boundaries). Beats
// and bars come from the beat clock's prediction, so an effect on a beat
// lands in the frame shown on that beat although the snapshot is older.
// Deterministic: the same set, snapshots and show times give the same frames.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "audio/envelope_follower.h"
#include "audio/feature_snapshot.h"
#include "engine/pipeline/beat_grid.h"
#include "engine/pipeline/gen_params.h"
#include "engine/pipeline/set.h"

namespace afterimage::pipeline {

class Conductor {
 public:
  explicit Conductor(std::shared_ptr<const Set> set);
  explicit Conductor(const Set& set) : Conductor(std::make_shared<const Set>(set)) {}

  // A new version of the set (hot reload, panel edit): time, scene, seed
  // walk and the state of unchanged mappings and triggers carry over.
  void setSet(std::shared_ptr<const Set> set);
  const Set& set() const { return *set_; }

  // Switches to `scene` at the next bar boundary, or at the next frame.
  void cue(int scene, bool atNextBar = true);

  // The frame shown at `showTime` (not before the previous frame's), from
  // the latest snapshot. Reuses `out`'s storage (no allocation once warm).
  void frame(const audio::FeatureSnapshot& latest, double showTime, GenParams& out);
  GenParams frame(const audio::FeatureSnapshot& latest, double showTime) {
    GenParams out;
    frame(latest, showTime, out);
    return out;
  }

  int scene() const { return scene_; }
  // The scene cued and waiting for its bar; -1 when none.
  int cuedScene() const { return cue_ ? *cue_ : -1; }
  const MusicalTime& musicalTime() const { return time_; }
  // The noise walk's position in seeds (its whole part picks the seeds).
  double seedPosition() const { return seedPosition_; }

 private:
  struct TriggerState {
    long long count = 0;       // onsets or hits seen (for every/offset)
    double firedAt = -1e30;    // Pulse: time of the last event
    bool firedThisFrame = false;
  };
  struct Behaviour {  // state of one list of mappings and triggers
    std::vector<audio::EnvelopeFollower> envelopes;
    std::vector<TriggerState> triggers;
  };

  void resize(Behaviour& state, const std::vector<Mapping>& mappings, const std::vector<Trigger>& triggers,
              const std::vector<Mapping>* oldMappings, const std::vector<Trigger>* oldTriggers);
  void enterScene(int scene);
  void advanceSequence(long long bar);
  void fireTriggers(const std::vector<Trigger>& triggers, Behaviour& state, const audio::FeatureSnapshot& s,
                    long long firstBeat, long long lastBeat, long long firstBar, long long lastBar);
  void fire(const Trigger& trigger, TriggerState& state, double eventTime);
  // Whether this frame sees a new detected event of that kind (onset, drum
  // hit, section start), and its time.
  std::pair<bool, double> detectedEvent(TriggerEvent on, const audio::FeatureSnapshot& s) const;
  void applyMappings(const std::vector<Mapping>& mappings, Behaviour& state, const audio::FeatureSnapshot& s, double dt);
  void applyLfos(const std::vector<Lfo>& lfos);
  void applyPulses(const std::vector<Trigger>& triggers, const Behaviour& state, double t);
  void combine(const ParameterTarget& target, Combine how, double value);

  std::shared_ptr<const Set> set_;
  BeatGrid grid_;
  MusicalTime time_;
  bool started_ = false;
  double lastOnsetTime_ = 0;
  std::array<double, audio::DrumKindCount> lastDrumTime_{};
  std::array<double, audio::kMusicSectionCount> lastSectionTime_{};
  FrameEvents events_;

  int scene_ = 0;
  int sequenceStep_ = 0;
  long long stepStartBar_ = 0;
  std::optional<int> cue_;
  std::optional<int> pendingScene_;  // a trigger's cut this frame (-1: the next scene)
  bool cueAtNextBar_ = true;

  double seedPosition_ = 0;
  double glideLeft_ = 0, glideRate_ = 0;  // seeds still to walk, and how fast (per beat)

  Behaviour setState_, sceneState_;
  ParameterValues values_{};
  std::vector<double> promptWeights_;
};

}  // namespace afterimage::pipeline
