#include "control/midi_message.h"

namespace afterimage::control {

MidiMessage decodeMidi(std::span<const uint8_t> bytes) {
  using Kind = MidiMessage::Kind;
  if (bytes.empty()) return {};
  uint8_t status = bytes[0];
  switch (status) {
    case 0xF8: return {Kind::Clock};
    case 0xFA: return {Kind::Start};
    case 0xFB: return {Kind::Continue};
    case 0xFC: return {Kind::Stop};
    default: break;
  }
  if (bytes.size() < 3 || status < 0x80 || status >= 0xF0) return {};
  int channel = (status & 0x0F) + 1, number = bytes[1] & 0x7F, value = bytes[2] & 0x7F;
  switch (status & 0xF0) {
    case 0xB0: return {Kind::ControlChange, channel, number, value};
    case 0x90: return {value ? Kind::NoteOn : Kind::NoteOff, channel, number, value};
    case 0x80: return {Kind::NoteOff, channel, number, value};
    default: return {};
  }
}

}  // namespace afterimage::control
