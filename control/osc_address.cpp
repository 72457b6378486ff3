#include "control/osc_address.h"

#include <cstdio>

#include "engine/pipeline/name_suggestion.h"

namespace afterimage::control {
namespace {

using pipeline::ControlVerb;

std::string needs(std::string_view address, const char* what) {
  return std::string(address) + ": needs " + what;
}

// Blackout and freeze: 1 on, 0 off, no argument toggles.
OscResult toggle(ControlVerb verb, std::span<const double> args) {
  return ControlAction{verb, {}, args.empty() ? -1.0 : (args[0] >= 0.5 ? 1.0 : 0.0), 0};
}

}  // namespace

OscResult parseOscMessage(std::string_view address, std::span<const double> args) {
  if (!address.starts_with(kOscPrefix) || address.size() == kOscPrefix.size() || address[kOscPrefix.size()] != '/')
    return std::string(address) + ": not an Afterimage address (they start with /afterimage/)";
  std::string_view rest = address.substr(kOscPrefix.size() + 1);
  constexpr std::string_view param = "param/";
  if (rest.starts_with(param)) {
    std::string_view name = rest.substr(param.size());
    auto target = pipeline::parseParameterTarget(name);
    if (!target) {
      std::vector<std::string> names = pipeline::parameterNames();
      return std::string(address) + ": unknown parameter '" + std::string(name) + "'" +
             pipeline::suggestion(name, names);
    }
    if (args.empty()) return needs(address, "a number");
    return ControlAction{ControlVerb::SetParameter, *target, args[0], 0};
  }
  if (rest == "cue") {
    if (args.empty() || args[0] < 0) return needs(address, "a scene index (0, 1, ...)");
    return ControlAction{ControlVerb::Cue, {}, 0, int(args[0])};
  }
  if (rest == "next_scene") return ControlAction{ControlVerb::NextScene, {}, 0, 0};
  if (rest == "tap") return ControlAction{ControlVerb::Tap, {}, 0, 0};
  if (rest == "blackout") return toggle(ControlVerb::Blackout, args);
  if (rest == "freeze") return toggle(ControlVerb::Freeze, args);
  return std::string(address) + ": unknown address (`afterimage osc-addresses` lists them)";
}

std::vector<std::string> oscAddresses() {
  std::vector<std::string> lines = {
      "in (to the port of --osc-port or [control] osc_port):",
  };
  for (const std::string& name : pipeline::parameterNames()) {
    if (name == "prompt.N.weight") continue;
    const auto& info = pipeline::parameterInfo(pipeline::parseParameterTarget(name)->parameter);
    char range[64];
    std::snprintf(range, sizeof range, "%g..%g", info.min, info.max);
    lines.push_back("  /afterimage/param/" + name + " f  the active scene's " + name + " (" + range + ")");
  }
  lines.push_back("  /afterimage/param/prompt.N.weight f  the weight of the active scene's prompt N (from 0; -4..4)");
  lines.push_back("  /afterimage/cue i  cue scene i (from 0) for the next bar");
  lines.push_back("  /afterimage/next_scene  cue the next scene");
  lines.push_back("  /afterimage/tap  tap tempo (on the beat)");
  lines.push_back("  /afterimage/blackout [i]  1 on, 0 off, no argument toggles");
  lines.push_back("  /afterimage/freeze [i]  1 holds the output's frame, 0 lets go, no argument toggles");
  lines.push_back("out (each analysis hop, to [control] osc_send or --osc-send HOST:PORT):");
  lines.push_back("  /afterimage/tempo f f  bpm, confidence 0..1");
  lines.push_back("  /afterimage/phase f f  beat phase 0..1, bar position 0..1");
  lines.push_back("  /afterimage/bands f f f f  sub, low, mid, high (after automatic gain)");
  lines.push_back("  /afterimage/loudness f f  loudness (about 1 at the running level), level dBFS");
  lines.push_back("  /afterimage/beat f f f  on each beat: the beat in the bar (from 0), beats a bar (2, 3, 4), the beat's\n"
                  "      subdivision (2, or 3 for triplets, a shuffle, 6/8 and 12/8)");
  lines.push_back("  /afterimage/bar  on each downbeat");
  lines.push_back("  /afterimage/onset f  on each onset: its strength");
  lines.push_back("  /afterimage/kick f, /afterimage/snare f, /afterimage/hat f  on each hit of that drum: its strength 0..1");
  lines.push_back("  /afterimage/buildup f  when a build-up begins: the bars to its predicted drop");
  lines.push_back("  /afterimage/drop, /afterimage/breakdown  when a drop or a breakdown begins");
  return lines;
}

int oscOutMessages(const audio::FeatureSnapshot& s, OscOutMessages& out) {
  int n = 0;
  out[n++] = {"/afterimage/tempo", {s.bpm, s.confidence}, 2};
  out[n++] = {"/afterimage/phase", {s.beatPhase, s.barPosition}, 2};
  out[n++] = {"/afterimage/bands", {s.bands[audio::Sub], s.bands[audio::Low], s.bands[audio::Mid], s.bands[audio::High]}, 4};
  out[n++] = {"/afterimage/loudness", {s.loudness, s.rmsDbfs}, 2};
  if (s.beat) {
    out[n++] = {"/afterimage/beat", {float(s.beatInBar), float(s.beatsPerBar), float(s.subdivision)}, 3};
    if (s.beatInBar == 0) out[n++] = {"/afterimage/bar", {}, 0};
  }
  if (s.onset) out[n++] = {"/afterimage/onset", {s.onsetStrength}, 1};
  constexpr const char* kDrumAddresses[audio::DrumKindCount] = {"/afterimage/kick", "/afterimage/snare", "/afterimage/hat"};
  for (size_t k = 0; k < size_t(audio::DrumKindCount); ++k)
    if (s.drumHit[k]) out[n++] = {kDrumAddresses[k], {s.drumHitStrength[k]}, 1};
  if (s.sectionChange) {
    switch (s.section) {
      case audio::MusicSection::Buildup: out[n++] = {"/afterimage/buildup", {s.dropInBars}, 1}; break;
      case audio::MusicSection::Drop: out[n++] = {"/afterimage/drop", {}, 0}; break;
      case audio::MusicSection::Breakdown: out[n++] = {"/afterimage/breakdown", {}, 0}; break;
      case audio::MusicSection::None: break;
    }
  }
  return n;
}

}  // namespace afterimage::control
