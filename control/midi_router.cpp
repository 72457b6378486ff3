#include "control/midi_router.h"

#include <utility>

namespace afterimage::control {

void MidiRouter::setBindings(const std::vector<pipeline::MidiBinding>& bindings) {
  std::lock_guard lock(mutex_);
  if (bindings != mapper_.bindings()) mapper_ = MidiMapper(bindings);
}

void MidiRouter::setClock(bool enabled) {
  std::lock_guard lock(mutex_);
  clockEnabled_ = enabled;
}

void MidiRouter::learn(std::string target) {
  std::lock_guard lock(mutex_);
  learning_ = std::move(target);
}

std::string MidiRouter::learning() const {
  std::lock_guard lock(mutex_);
  return learning_;
}

std::optional<pipeline::MidiBinding> MidiRouter::takeLearned() {
  std::lock_guard lock(mutex_);
  return std::exchange(learned_, std::nullopt);
}

void MidiRouter::receive(std::string_view device, std::span<const uint8_t> bytes, double t) {
  MidiMessage m = decodeMidi(bytes);
  std::lock_guard lock(mutex_);
  received_++;
  using Kind = MidiMessage::Kind;
  if (m.kind == Kind::Clock || m.kind == Kind::Start || m.kind == Kind::Continue || m.kind == Kind::Stop) {
    if (!clockEnabled_) return;
    if (m.kind == Kind::Clock) clock_.tick(t);
    else if (m.kind == Kind::Start) clock_.start();
    else if (m.kind == Kind::Stop) clock_.stop();
    return;
  }
  if (!learning_.empty()) {
    if (auto binding = learnBinding(m, device, learning_)) {
      learned_ = binding;
      learning_.clear();
    }
    return;
  }
  actions_.clear();
  mapper_.map(m, device, actions_);
  for (const ControlAction& a : actions_) queue_.push(a);
}

double MidiRouter::clockBpm(double now) const {
  std::lock_guard lock(mutex_);
  return clockEnabled_ ? clock_.bpm(now) : 0;
}

double MidiRouter::clockBeatTime() const {
  std::lock_guard lock(mutex_);
  return clock_.lastBeatTime();
}

uint64_t MidiRouter::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

}  // namespace afterimage::control
