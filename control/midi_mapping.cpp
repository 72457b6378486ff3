#include "control/midi_mapping.h"

#include <algorithm>
#include <charconv>

namespace afterimage::control {
namespace {

using pipeline::ControlVerb;
using pipeline::MidiBinding;
using Kind = MidiMessage::Kind;

bool matches(const MidiBinding& b, const MidiMessage& m, std::string_view device) {
  bool note = m.kind == Kind::NoteOn || m.kind == Kind::NoteOff;
  if (m.kind != Kind::ControlChange && !note) return false;
  if ((b.message == MidiBinding::Message::Note) != note || b.number != m.number) return false;
  if (b.channel && b.channel != m.channel) return false;
  return b.device.empty() || device.find(b.device) != std::string_view::npos;
}

constexpr struct {
  std::string_view name;
  ControlVerb verb;
} kVerbs[] = {{"tap", ControlVerb::Tap},
              {"blackout", ControlVerb::Blackout},
              {"freeze", ControlVerb::Freeze},
              {"next_scene", ControlVerb::NextScene}};

}  // namespace

MidiMapper::MidiMapper(std::vector<MidiBinding> bindings)
    : bindings_(std::move(bindings)), high_(bindings_.size(), false) {}

void MidiMapper::map(const MidiMessage& m, std::string_view device, std::vector<ControlAction>& out) {
  for (size_t i = 0; i < bindings_.size(); ++i) {
    const MidiBinding& b = bindings_[i];
    if (!matches(b, m, device)) continue;
    int value = m.kind == Kind::NoteOff ? 0 : m.value;
    if (b.verb == ControlVerb::SetParameter) {
      const auto& info = pipeline::parameterInfo(b.target.parameter);
      double low = b.low.value_or(info.min), high = b.high.value_or(info.max);
      out.push_back({ControlVerb::SetParameter, b.target, low + (high - low) * pipeline::shapeCurve(b.curve, value / 127.0), 0});
      continue;
    }
    // Buttons send 127 then 0, knobs a stream: a verb fires once per rise.
    bool nowHigh = value >= 64;
    if (nowHigh && !high_[i]) {
      bool toggles = b.verb == ControlVerb::Blackout || b.verb == ControlVerb::Freeze;
      out.push_back({b.verb, {}, toggles ? -1.0 : 0.0, b.scene});
    }
    high_[i] = nowHigh;
  }
}

std::vector<std::string> learnTargets(int prompts, int scenes) {
  std::vector<std::string> targets;
  for (const std::string& name : pipeline::parameterNames())
    if (name != "prompt.N.weight") targets.push_back(name);
  for (int p = 0; p < prompts; ++p) targets.push_back("prompt." + std::to_string(p) + ".weight");
  for (const auto& v : kVerbs) targets.emplace_back(v.name);
  for (int s = 0; s < scenes; ++s) targets.push_back("cue " + std::to_string(s));
  return targets;
}

std::optional<MidiBinding> learnBinding(const MidiMessage& m, std::string_view device, std::string_view target) {
  if (m.kind != Kind::ControlChange && m.kind != Kind::NoteOn) return std::nullopt;
  MidiBinding b;
  b.message = m.kind == Kind::NoteOn ? MidiBinding::Message::Note : MidiBinding::Message::ControlChange;
  b.number = m.number;
  b.channel = m.channel;
  b.device = std::string(device);
  if (auto parameter = pipeline::parseParameterTarget(target)) {
    b.target = *parameter;
    return b;
  }
  for (const auto& v : kVerbs)
    if (v.name == target) return b.verb = v.verb, b;
  constexpr std::string_view cue = "cue ";
  if (target.starts_with(cue)) {
    std::string_view digits = target.substr(cue.size());
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), b.scene);
    if (error == std::errc() && end == digits.data() + digits.size() && b.scene >= 0)
      return b.verb = ControlVerb::Cue, b;
  }
  return std::nullopt;
}

}  // namespace afterimage::control
