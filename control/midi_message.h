// MIDI bytes as the few messages Afterimage reads: control change, note
// on/off (a note-on of velocity 0 is a note-off), and the real-time clock
// (tick, start, continue, stop). Everything else is Other.
#pragma once
#include <cstdint>
#include <span>

namespace afterimage::control {

struct MidiMessage {
  enum class Kind { ControlChange, NoteOn, NoteOff, Clock, Start, Continue, Stop, Other };
  Kind kind = Kind::Other;
  int channel = 0;  // 1..16 for channel messages
  int number = 0;   // controller or note
  int value = 0;    // 0..127: controller value or velocity

  bool operator==(const MidiMessage&) const = default;
};

MidiMessage decodeMidi(std::span<const uint8_t> bytes);

}  // namespace afterimage::control
