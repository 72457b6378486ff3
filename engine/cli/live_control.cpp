#include "engine/cli/live_control.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "engine/cli/arguments.h"
#include "engine/pipeline/set_edit.h"

namespace afterimage::cli {

using pipeline::ControlVerb;

namespace {

// report()'s slots: one per control surface, then one per MIDI device line.
enum : size_t { kOscInSlot, kOscOutSlot, kLinkSlot, kMidiSlots };

double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string describeBinding(const pipeline::MidiBinding& b) {
  std::string what = b.message == pipeline::MidiBinding::Message::Note ? "note " : "cc ";
  what += std::to_string(b.number) + " ch " + std::to_string(b.channel) + " (" + b.device + ") -> ";
  if (b.verb == ControlVerb::SetParameter) return what + pipeline::formatParameterTarget(b.target);
  return what + (b.verb == ControlVerb::Cue ? "cue " + std::to_string(b.scene) : "an action");
}

}  // namespace

LiveControlOptions liveControlOptions(const Arguments& args) {
  LiveControlOptions o;
  if (args.value("osc-port")) {
    int port = args.integer("osc-port", 0);
    if (port < 0 || port > 65535) throw UsageError("--osc-port must be a UDP port in [0, 65535] (0: none)");
    o.oscPort = port;
  }
  if (auto list = args.value("osc-send")) {
    std::string rest = *list;
    for (size_t comma; !rest.empty(); rest = comma == std::string::npos ? "" : rest.substr(comma + 1)) {
      comma = rest.find(',');
      std::string target = rest.substr(0, comma);
      if (!pipeline::splitHostPort(target)) throw UsageError("--osc-send: '" + target + "' is not HOST:PORT");
      o.oscSend.push_back(target);
    }
  }
  if (auto mode = args.value("link")) {
    if (*mode == "off") o.link = pipeline::LinkMode::Off;
    else if (*mode == "follow") o.link = pipeline::LinkMode::Follow;
    else if (*mode == "lead") o.link = pipeline::LinkMode::Lead;
    else throw UsageError("--link must be off, follow or lead, got '" + *mode + "'");
  }
  return o;
}

LiveControl::LiveControl(const LiveControlOptions& options, audio::LiveAnalysis& analysis)
    : options_(options), analysis_(analysis) {
  view_.shown = true;
}

LiveControl::~LiveControl() { analysis_.setHopListener({}); }

void LiveControl::report(size_t slot, const std::string& state) {
  if (states_.size() <= slot) states_.resize(slot + 1);
  if (states_[slot] == state) return;
  states_[slot] = state;
  if (!state.empty()) news_.push_back(state);
}

void LiveControl::poll(const pipeline::Set& set, double now) {
  const pipeline::ControlSettings& c = set.control;
  int port = options_.oscPort.value_or(c.oscPort);
  if (port != oscPort_ || (port && !oscServer_)) {
    oscServer_.reset();
    oscPort_ = port;
    if (port) oscServer_ = std::make_unique<control::OscServer>(port, queue_);
    lastRetry_ = now;
  } else if (oscServer_ && !oscServer_->status().listening && now - lastRetry_ >= 1.0) {
    oscServer_->retry();
    lastRetry_ = now;
  }

  std::vector<std::string> targets = c.oscSend;
  targets.insert(targets.end(), options_.oscSend.begin(), options_.oscSend.end());
  if (targets != oscTargets_) {
    analysis_.setHopListener({});
    oscSender_.reset();
    oscTargets_ = targets;
    senderProblem_.clear();
    try {
      if (!targets.empty()) oscSender_ = std::make_unique<control::OscSender>(targets);
    } catch (const std::exception& e) {
      senderProblem_ = e.what();
    }
    if (oscSender_)
      analysis_.setHopListener([sender = oscSender_.get()](const audio::FeatureSnapshot& s) { sender->send(s); });
  }

  // MIDI: the set's bindings and clock; the devices it names (every one
  // when it binds or learns without naming any), looked for every second.
  router_.setBindings(set.midi);
  router_.setClock(c.midiClock);
  std::vector<std::string> wanted = c.midiInputs;
  if (wanted.empty() && (!set.midi.empty() || c.midiClock || !router_.learning().empty())) wanted = {"*"};
  if (!wanted.empty() && !midi_)
    midi_ = std::make_unique<control::MidiInputs>([this](std::string_view port, std::span<const uint8_t> bytes) {
      router_.receive(port, bytes, steadySeconds());
    });
  if (midi_ && now - lastMidiRefresh_ >= 1.0) {
    midi_->refresh(wanted);
    lastMidiRefresh_ = now;
  }
  double clockBpm = router_.clockBpm(steadySeconds());
  if (clockBpm > 0) {
    // The clock's last beat, moved from the steady clock to the audio's.
    double beatAgo = steadySeconds() - router_.clockBeatTime();
    analysis_.follow(clockBpm, analysis_.latest().time - beatAgo);
  }

  syncLink(options_.link.value_or(c.link), set);

  view_.lines.clear();
  if (oscServer_) {
    control::OscStatus s = oscServer_->status();
    report(kOscInSlot, s.listening ? "OSC in: listening on port " + std::to_string(s.port) : s.problem);
    view_.lines.push_back({s.listening ? "OSC in: port " + std::to_string(s.port) + ", " + std::to_string(s.received) +
                                             " messages" + (s.rejected ? " (" + std::to_string(s.rejected) + " refused)" : "")
                                       : s.problem,
                           !s.listening});
    if (s.listening && !s.problem.empty()) view_.lines.push_back({"  last refused: " + s.problem, true});
  } else {
    report(kOscInSlot, "");
    view_.lines.push_back({"OSC in: off ([control] osc_port or --osc-port)"});
  }
  std::string list;
  for (const auto& t : oscTargets_) list += (list.empty() ? "" : ", ") + t;
  report(kOscOutSlot, !senderProblem_.empty() ? "OSC out: " + senderProblem_ : oscSender_ ? "OSC out: sending to " + list : "");
  if (!senderProblem_.empty()) view_.lines.push_back({"OSC out: " + senderProblem_, true});
  else if (oscSender_) {
    view_.lines.push_back({"OSC out: " + list + ", " + std::to_string(oscSender_->sent()) + " messages"});
  }
  if (midi_) {
    auto lines = midi_->lines();
    for (size_t i = 0; i < lines.size(); ++i) {
      report(kMidiSlots + i, lines[i].text.substr(0, lines[i].text.find(" (")));
      view_.lines.push_back({lines[i].text, lines[i].problem});
    }
  }
  if (link_) {
    pipeline::LinkMode mode = options_.link.value_or(c.link);
    size_t peers = link_->peers();
    audio::FeatureSnapshot s = analysis_.latest();
    control::LinkSession::Grid g = link_->grid(link_->now());
    char line[160];
    int n = std::snprintf(line, sizeof line, "Link: %s, %zu peer%s, %.2f BPM", mode == pipeline::LinkMode::Lead ? "lead" : "follow",
                          peers, peers == 1 ? "" : "s", g.bpm);
    if (s.bpm > 0) {
      // Detected against Link's beat phase, now, in ms (within half a beat).
      double beats = double(s.beatPhase) - g.phase;
      beats -= std::round(beats);
      std::snprintf(line + n, sizeof line - size_t(n), "; detected beat %+.1f ms from Link's", beats * 60000.0 / g.bpm);
    }
    report(kLinkSlot, "Link: " + std::string(mode == pipeline::LinkMode::Lead ? "lead" : "follow") + ", " +
                     std::to_string(peers) + (peers == 1 ? " peer" : " peers"));
    view_.lines.push_back({line, peers == 0 && mode == pipeline::LinkMode::Follow});
  } else {
    report(kLinkSlot, "");
  }
  if (c.midiClock) {
    char line[64];
    std::snprintf(line, sizeof line, clockBpm > 0 ? "MIDI clock: %.1f BPM (the beat clock follows)" : "MIDI clock: none yet",
                  clockBpm);
    view_.lines.push_back({line});
  }
  view_.avOffsetMs = c.avOffsetMs;
  int prompts = set.scenes.empty() ? 0 : int(set.scenes[size_t(std::clamp(activeScene_, 0, int(set.scenes.size()) - 1))].prompts.size());
  view_.learnTargets = control::learnTargets(prompts, int(set.scenes.size()));
  view_.learning = router_.learning();
}

void LiveControl::syncLink(pipeline::LinkMode mode, const pipeline::Set& set) {
  if (mode == pipeline::LinkMode::Off) return link_.reset();
  if (!link_) link_ = std::make_unique<control::LinkSession>(set.bpm);
  audio::FeatureSnapshot s = analysis_.latest();
  double linkNow = link_->now();
  if (mode == pipeline::LinkMode::Follow) {
    // Alone in a session there is nothing to follow but our own start tempo.
    if (link_->peers() == 0) return;
    control::LinkSession::Grid g = link_->grid(linkNow);
    analysis_.follow(g.bpm, s.time - g.phase * 60.0 / g.bpm);
  } else if (s.bpm > 0 && s.confidence >= 0.3) {
    // The beat clock's next beat, moved from the audio's clock to Link's:
    // published before it happens, so peers play it on time.
    link_->lead(s.bpm, linkNow + (s.nextBeatTime - s.time));
  }
}

bool LiveControl::apply(const Show& show, std::string& message) {
  activeScene_ = show.activeScene;
  bool edited = false;
  if (auto learned = router_.takeLearned()) {
    try {
      show.watcher.replace(pipeline::withMidiBinding(*show.watcher.current(), *learned));
      message = "MIDI learn: " + describeBinding(*learned);
      news_.push_back(message);
      edited = true;
    } catch (const std::exception& e) {
      message = e.what();
    }
  }
  queue_.take(actions_);
  if (actions_.empty()) return edited;
  values_.clear();
  int scenes = int(show.watcher.current()->scenes.size());
  for (const control::ControlAction& a : actions_) {
    switch (a.verb) {
      case ControlVerb::SetParameter: {
        // A knob sends a stream: only its latest value this loop is kept.
        auto same = std::find_if(values_.begin(), values_.end(), [&](const auto& v) { return v.target == a.target; });
        if (same != values_.end()) same->value = a.value;
        else values_.push_back({a.target, a.value});
        break;
      }
      case ControlVerb::Cue:
        if (a.scene < scenes) show.generator.cue(a.scene);
        else message = "cue " + std::to_string(a.scene) + ": the set has " + std::to_string(scenes) + " scenes";
        break;
      case ControlVerb::NextScene: show.generator.cue((show.activeScene + 1) % std::max(scenes, 1)); break;
      case ControlVerb::Tap: analysis_.tap(); break;
      case ControlVerb::Blackout: show.state.blackout = a.value < 0 ? !show.state.blackout : a.value > 0.5; break;
      case ControlVerb::Freeze: show.state.freeze = a.value < 0 ? !show.state.freeze : a.value > 0.5; break;
    }
  }
  if (values_.empty()) return edited;
  try {
    show.watcher.replace(pipeline::withSceneParameters(*show.watcher.current(), show.activeScene, values_));
    return true;
  } catch (const std::exception& e) {
    message = e.what();
    return edited;
  }
}

}  // namespace afterimage::cli
