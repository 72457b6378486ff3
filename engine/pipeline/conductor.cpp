#include "engine/pipeline/conductor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace afterimage::pipeline {
namespace {

constexpr double kEpsilon = 1e-6;  // beats: a frame shown on a beat counts it as crossed
constexpr long long kMostEventsPerFrame = 64;  // after a jump in time, only the latest events count

// A beat counts as reached this long before it is due. The beat clock's
// beats scatter by a few milliseconds around the heard beats (+1.4 ms mean
// on the 108 real clips of tools/beat_eval, +2.6 ms on the synthesized
// tracks), so a beat due exactly when a frame is shown (120 BPM at 12 or
// 24 fps) would otherwise fall to the next frame, a whole frame late.
constexpr double kBeatReach = 0.006;  // seconds: about one analysis hop

long long floorCount(double x) { return (long long)std::floor(x + kEpsilon); }
long long positiveModulo(long long a, long long b) { return ((a % b) + b) % b; }

// In [-1, 1]; 0 at x = 0 for sine and triangle, -1 for saw, +1 for square.
double wave(Wave w, double x) {
  double f = x - std::floor(x);
  switch (w) {
    case Wave::Sine: return std::sin(2.0 * std::numbers::pi * f);
    case Wave::Triangle: return f < 0.25 ? 4.0 * f : f < 0.75 ? 2.0 - 4.0 * f : 4.0 * f - 4.0;
    case Wave::Saw: return 2.0 * f - 1.0;
    case Wave::Square: return f < 0.5 ? 1.0 : -1.0;
  }
  return 0.0;
}

uint64_t seedAt(const std::vector<uint64_t>& seeds, long long position) {
  if (seeds.empty()) return uint64_t(position);
  if (seeds.size() == 1) return seeds[0] + uint64_t(position);
  return seeds[size_t(positiveModulo(position, (long long)seeds.size()))];
}

}  // namespace

Conductor::Conductor(std::shared_ptr<const Set> set) : set_(std::move(set)) {
  if (!set_ || set_->scenes.empty()) throw std::invalid_argument("Conductor: the set has no scenes");
  resize(setState_, set_->mappings, set_->triggers, nullptr, nullptr);
  const Sequence& sequence = set_->sequence;
  enterScene(sequence.scenes.empty() ? 0 : sequence.scenes[0]);
}

void Conductor::resize(Behaviour& state, const std::vector<Mapping>& mappings, const std::vector<Trigger>& triggers,
                       const std::vector<Mapping>* oldMappings, const std::vector<Trigger>* oldTriggers) {
  Behaviour next;
  for (size_t i = 0; i < mappings.size(); ++i) {
    bool same = oldMappings && i < oldMappings->size() && i < state.envelopes.size() &&
                (*oldMappings)[i].source == mappings[i].source && (*oldMappings)[i].target == mappings[i].target;
    next.envelopes.push_back(same ? state.envelopes[i] : audio::EnvelopeFollower(mappings[i].attack, mappings[i].release));
  }
  for (size_t i = 0; i < triggers.size(); ++i) {
    bool same = oldTriggers && i < oldTriggers->size() && i < state.triggers.size() &&
                (*oldTriggers)[i].on == triggers[i].on && (*oldTriggers)[i].action == triggers[i].action;
    next.triggers.push_back(same ? state.triggers[i] : TriggerState{});
  }
  state = std::move(next);
}

void Conductor::setSet(std::shared_ptr<const Set> set) {
  if (!set || set->scenes.empty()) throw std::invalid_argument("Conductor: the set has no scenes");
  std::shared_ptr<const Set> old = std::move(set_);
  set_ = std::move(set);
  resize(setState_, set_->mappings, set_->triggers, &old->mappings, &old->triggers);
  if (sequenceStep_ >= int(set_->sequence.scenes.size())) sequenceStep_ = 0;
  if (cue_ && *cue_ >= int(set_->scenes.size())) cue_.reset();
  if (scene_ >= int(set_->scenes.size())) {
    enterScene(0);
  } else {
    const Scene& was = old->scenes[size_t(std::min<size_t>(size_t(scene_), old->scenes.size() - 1))];
    const Scene& now = set_->scenes[size_t(scene_)];
    resize(sceneState_, now.mappings, now.triggers, &was.mappings, &was.triggers);
  }
}

void Conductor::cue(int scene, bool atNextBar) {
  if (scene < 0 || scene >= int(set_->scenes.size())) return;
  cue_ = scene;
  cueAtNextBar_ = atNextBar;
}

void Conductor::enterScene(int scene) {
  scene_ = std::clamp(scene, 0, int(set_->scenes.size()) - 1);
  const Scene& s = set_->scenes[size_t(scene_)];
  sceneState_ = Behaviour{};
  resize(sceneState_, s.mappings, s.triggers, nullptr, nullptr);
  seedPosition_ = 0;
  glideLeft_ = glideRate_ = 0;
}

// The sequence's step that shows `scene` (searching from the current one),
// restarted at `bar`: a cue or a cut keeps the sequence going from there.
static int stepShowing(const Sequence& sequence, int from, int scene) {
  int n = int(sequence.scenes.size());
  for (int i = 0; i < n; ++i) {
    int step = (from + i) % n;
    if (sequence.scenes[size_t(step)] == scene) return step;
  }
  return from;
}

void Conductor::advanceSequence(long long bar) {
  const Sequence& sequence = set_->sequence;
  if (sequence.bars <= 0 || sequence.scenes.empty() || bar - stepStartBar_ < sequence.bars) return;
  long long steps = (bar - stepStartBar_) / sequence.bars;
  sequenceStep_ = int((sequenceStep_ + steps) % (long long)sequence.scenes.size());
  stepStartBar_ += steps * sequence.bars;
  int next = sequence.scenes[size_t(sequenceStep_)];
  if (next != scene_) enterScene(next);
}

void Conductor::fire(const Trigger& trigger, TriggerState& state, double eventTime) {
  switch (trigger.action) {
    case TriggerAction::Pulse:
      state.firedAt = eventTime;
      state.firedThisFrame = true;
      break;
    case TriggerAction::Seed:
      glideLeft_ += trigger.amount;
      glideRate_ = trigger.glide > 0 ? glideLeft_ / trigger.glide : std::numeric_limits<double>::infinity();
      break;
    case TriggerAction::NextScene:
    case TriggerAction::Scene: break;  // handled by the caller, after all triggers
  }
}

std::pair<bool, double> Conductor::detectedEvent(TriggerEvent on, const audio::FeatureSnapshot& s) const {
  auto drum = [&](audio::DrumKind k) { return std::pair{events_.drums[k], s.drumHitTime[k]}; };
  auto section = [&](audio::MusicSection m) {
    return std::pair{events_.sections[size_t(m)], s.sectionStartTime[size_t(m)]};
  };
  switch (on) {
    case TriggerEvent::Onset: return {events_.onset, s.onsetTime};
    case TriggerEvent::Kick: return drum(audio::Kick);
    case TriggerEvent::Snare: return drum(audio::Snare);
    case TriggerEvent::Hat: return drum(audio::Hat);
    case TriggerEvent::Buildup: return section(audio::MusicSection::Buildup);
    case TriggerEvent::Drop: return section(audio::MusicSection::Drop);
    case TriggerEvent::Breakdown: return section(audio::MusicSection::Breakdown);
    case TriggerEvent::Beat:
    case TriggerEvent::Bar: break;
  }
  return {false, 0.0};
}

void Conductor::fireTriggers(const std::vector<Trigger>& triggers, Behaviour& state, const audio::FeatureSnapshot& s,
                             long long firstBeat, long long lastBeat, long long firstBar, long long lastBar) {
  for (size_t i = 0; i < triggers.size(); ++i) {
    const Trigger& g = triggers[i];
    TriggerState& st = state.triggers[i];
    st.firedThisFrame = false;
    bool open = s.rmsDbfs >= g.gateDb;
    auto matches = [&](long long count) { return positiveModulo(count, g.every) == g.offset; };
    std::optional<double> eventTime;
    switch (g.on) {
      case TriggerEvent::Beat:
        if (!open || s.confidence < g.minConfidence) break;
        for (long long b = std::max(firstBeat, lastBeat - kMostEventsPerFrame); b <= lastBeat; ++b) {
          if (matches(b - (long long)time_.barOrigin)) eventTime = time_.timeOfBeat(double(b));
        }
        break;
      case TriggerEvent::Bar:
        if (!open || s.confidence < g.minConfidence) break;
        for (long long bar = std::max(firstBar, lastBar - kMostEventsPerFrame); bar <= lastBar; ++bar) {
          if (matches(bar)) eventTime = time_.timeOfBeat(time_.barOrigin + double(bar * time_.beatsPerBar));
        }
        break;
      default: {
        // Events the analyzer detects (not predicted): the frame that first
        // sees one fires, counted for every/offset.
        auto [seen, at] = detectedEvent(g.on, s);
        if (!seen) break;
        if (open && matches(st.count)) eventTime = std::min(at, time_.time);
        st.count++;
        break;
      }
    }
    if (!eventTime) continue;
    fire(g, st, *eventTime);
    if (g.action == TriggerAction::NextScene) pendingScene_ = -1;
    if (g.action == TriggerAction::Scene) pendingScene_ = g.scene;
  }
}

void Conductor::combine(const ParameterTarget& target, Combine how, double value) {
  double* slot;
  if (target.parameter == Parameter::PromptWeight) {
    if (target.prompt >= int(promptWeights_.size())) return;  // a set-level target this scene lacks
    slot = &promptWeights_[size_t(target.prompt)];
  } else {
    slot = &values_[size_t(target.parameter)];
  }
  switch (how) {
    case Combine::Add: *slot += value; break;
    case Combine::Multiply: *slot *= value; break;
    case Combine::Replace: *slot = value; break;
  }
}

void Conductor::applyMappings(const std::vector<Mapping>& mappings, Behaviour& state, const audio::FeatureSnapshot& s,
                              double dt) {
  for (size_t i = 0; i < mappings.size(); ++i) {
    const Mapping& m = mappings[i];
    audio::EnvelopeFollower& envelope = state.envelopes[i];
    envelope.setAttack(m.attack);
    envelope.setRelease(m.release);
    double x = featureValue(m.source, s, events_);
    double normalised = std::clamp((x - m.inputMin) / (m.inputMax - m.inputMin), 0.0, 1.0);
    double value = m.offset + m.gain * shapeCurve(m.curve, envelope.process(normalised, dt));
    if (m.clampMin) value = std::clamp(value, *m.clampMin, *m.clampMax);
    combine(m.target, m.combine, value);
  }
}

void Conductor::applyLfos(const std::vector<Lfo>& lfos) {
  for (const Lfo& l : lfos) combine(l.target, Combine::Add, l.depth * wave(l.wave, time_.barBeats() / l.period + l.phase));
}

void Conductor::applyPulses(const std::vector<Trigger>& triggers, const Behaviour& state, double t) {
  for (size_t i = 0; i < triggers.size(); ++i) {
    const Trigger& g = triggers[i];
    const TriggerState& st = state.triggers[i];
    if (g.action != TriggerAction::Pulse || st.firedAt < -1e29) continue;
    // The frame that sees the event shows it whole, however late in its window.
    double level = st.firedThisFrame ? 1.0 : std::exp(-std::max(0.0, t - st.firedAt) / g.decay);
    if (level > 1e-4) combine(g.target, Combine::Add, g.amount * level);
  }
}

void Conductor::frame(const audio::FeatureSnapshot& s, double showTime, GenParams& out) {
  const Set& set = *set_;
  const MusicalTime previous = time_;
  time_ = grid_.at(s, showTime, set.bpm);
  double dt = started_ ? std::max(0.0, showTime - previous.time) : 0.0;
  double beats = started_ ? time_.beat - previous.beat : 0.0;

  // Beats and bars crossed since the previous frame (counted on this
  // frame's grid, so a corrected downbeat does not invent a bar).
  const double reached = time_.beat + kBeatReach / time_.period;
  const double reachedBefore = previous.beat + kBeatReach / previous.period;
  const long long reachedBar = floorCount((reached - time_.barOrigin) / time_.beatsPerBar);
  long long firstBeat = 1, lastBeat = 0, firstBar = 1, lastBar = 0;
  if (started_) {
    firstBeat = floorCount(reachedBefore) + 1;
    lastBeat = floorCount(reached);
    firstBar = floorCount((reachedBefore - time_.barOrigin) / time_.beatsPerBar) + 1;
    lastBar = reachedBar;
  }
  bool onset = started_ ? s.onsetTime > lastOnsetTime_ : s.onset;
  lastOnsetTime_ = std::max(lastOnsetTime_, s.onsetTime);
  events_ = FrameEvents{};
  events_.onset = onset, events_.beat = lastBeat >= firstBeat, events_.bar = lastBar >= firstBar;
  events_.beatPhase = time_.beatPhase(), events_.barPhase = time_.barPhase();
  for (size_t k = 0; k < lastDrumTime_.size(); ++k) {
    events_.drums[k] = started_ ? s.drumHitTime[k] > lastDrumTime_[k] : s.drumHit[k];
    lastDrumTime_[k] = std::max(lastDrumTime_[k], s.drumHitTime[k]);
  }
  for (size_t k = 1; k < lastSectionTime_.size(); ++k) {
    events_.sections[k] = started_ ? s.sectionStartTime[k] > lastSectionTime_[k]
                                   : s.sectionChange && size_t(s.section) == k;
    lastSectionTime_[k] = std::max(lastSectionTime_[k], s.sectionStartTime[k]);
  }

  // Scene changes: cues and the sequence on bar boundaries, then triggers.
  const Sequence& sequence = set.sequence;
  if (!started_) stepStartBar_ = reachedBar;
  if (cue_ && (!cueAtNextBar_ || events_.bar)) {
    if (!sequence.scenes.empty()) sequenceStep_ = stepShowing(sequence, sequenceStep_, *cue_);
    stepStartBar_ = reachedBar;
    if (*cue_ != scene_) enterScene(*cue_);
    cue_.reset();
  } else if (events_.bar) {
    advanceSequence(lastBar);
  }
  pendingScene_.reset();
  fireTriggers(set.triggers, setState_, s, firstBeat, lastBeat, firstBar, lastBar);
  fireTriggers(set.scenes[size_t(scene_)].triggers, sceneState_, s, firstBeat, lastBeat, firstBar, lastBar);
  if (pendingScene_) {
    int next = *pendingScene_;
    if (next < 0) {
      if (!sequence.scenes.empty()) {
        sequenceStep_ = (sequenceStep_ + 1) % int(sequence.scenes.size());
        next = sequence.scenes[size_t(sequenceStep_)];
      } else {
        next = (scene_ + 1) % int(set.scenes.size());
      }
    } else if (!sequence.scenes.empty()) {
      sequenceStep_ = stepShowing(sequence, sequenceStep_, next);
    }
    stepStartBar_ = reachedBar;
    if (next != scene_) enterScene(next);
  }
  started_ = true;

  // Parameters: the scene's, then mappings, LFOs and pulses on top.
  const Scene& scene = set.scenes[size_t(scene_)];
  values_ = scene.params;
  promptWeights_.resize(scene.prompts.size());
  for (size_t i = 0; i < scene.prompts.size(); ++i) promptWeights_[i] = scene.prompts[i].weight;
  applyMappings(set.mappings, setState_, s, dt);
  applyMappings(scene.mappings, sceneState_, s, dt);
  applyLfos(set.lfos);
  applyLfos(scene.lfos);
  applyPulses(set.triggers, setState_, showTime);
  applyPulses(scene.triggers, sceneState_, showTime);
  for (int i = 0; i < kParameterCount; ++i) {
    const ParameterInfo& info = parameterInfo(Parameter(i));
    values_[size_t(i)] = std::clamp(values_[size_t(i)], info.min, info.max);
  }

  // The noise walk: a steady drift plus the glides that seed triggers start.
  seedPosition_ += values_[size_t(Parameter::SeedSpeed)] * beats;
  if (glideLeft_ > 0) {
    double step = std::min(glideLeft_, glideRate_ * beats);
    if (std::isinf(glideRate_)) step = glideLeft_;
    seedPosition_ += step;
    glideLeft_ -= step;
  }

  out.showTime = showTime;
  out.prompts.resize(scene.prompts.size());
  const ParameterInfo& weightRange = parameterInfo(Parameter::PromptWeight);
  for (size_t i = 0; i < scene.prompts.size(); ++i) {
    out.prompts[i].text = scene.prompts[i].text;
    out.prompts[i].weight = float(std::clamp(promptWeights_[i], weightRange.min, weightRange.max));
  }
  auto value = [&](Parameter p) { return float(values_[size_t(p)]); };
  out.strength = value(Parameter::Strength);
  long long whole = (long long)std::floor(seedPosition_);
  out.seedA = seedAt(scene.seeds, whole);
  out.seedB = seedAt(scene.seeds, whole + 1);
  out.seedMix = float(seedPosition_ - double(whole));
  out.noiseRefresh = value(Parameter::NoiseRefresh);
  out.anchor = value(Parameter::Anchor);
  out.temporalBank = value(Parameter::TemporalBank);
  out.temporalMemory = value(Parameter::TemporalMemory);
  out.zoom = value(Parameter::Zoom);
  out.rotate = value(Parameter::Rotate);
  out.translateX = value(Parameter::TranslateX);
  out.translateY = value(Parameter::TranslateY);
  out.feedback = value(Parameter::Feedback);
  out.brightness = value(Parameter::Brightness);
  out.contrast = value(Parameter::Contrast);
  out.saturation = value(Parameter::Saturation);
  out.hueShift = value(Parameter::HueShift);
  out.strobe = value(Parameter::Strobe);
  out.blackout = value(Parameter::Blackout) > 0.5;
  out.scene = scene_;
}

}  // namespace afterimage::pipeline
