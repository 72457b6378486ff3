// How a set is played from outside: the OSC port and where OSC goes out,
// the MIDI inputs and their bindings ([[midi]] tables), Ableton Link, and
// the A/V offset. Plain data in the Set (set.h), read and written by
// set_file.cpp; control/ turns it into running servers and devices.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/pipeline/curve.h"
#include "engine/pipeline/parameter.h"

namespace afterimage::pipeline {

// What a control message does. SetParameter sets the active scene's base
// value of a parameter (the same edit as the panel's); the others are the
// panel's buttons.
enum class ControlVerb { SetParameter, Cue, NextScene, Tap, Blackout, Freeze };
// Link: off, Link's tempo and phase drive the beat clock (follow), or the
// detected tempo and phase are published (lead).
enum class LinkMode { Off, Follow, Lead };

// One [[midi]] table: a control change or note, on a channel (0: any), from
// a device whose name contains `device` (empty: any open input), bound to a
// parameter (its 0..127 value through the curve onto [low, high]) or to a
// verb (fired when the value crosses the middle upwards; a note-on does).
struct MidiBinding {
  enum class Message { ControlChange, Note };
  Message message = Message::ControlChange;
  int number = 0;   // 0..127
  int channel = 0;  // 1..16; 0: any
  std::string device;
  ControlVerb verb = ControlVerb::SetParameter;
  ParameterTarget target;           // SetParameter
  int scene = 0;                    // Cue
  std::optional<double> low, high;  // SetParameter; unset: the parameter's whole range
  Curve curve = Curve::Linear;  // over the 0..1 input

  bool operator==(const MidiBinding&) const = default;
};

struct ControlSettings {
  int oscPort = 0;                       // OSC in on this UDP port; 0: none
  std::vector<std::string> oscSend;      // OSC out to these "host:port"
  std::vector<std::string> midiInputs;   // MIDI inputs to open, by part of their name; "*": every one
  bool midiClock = false;                // MIDI clock from the inputs sets the tempo
  LinkMode link = LinkMode::Off;
  double avOffsetMs = 0;                 // the visuals this much ahead of the sound (projector latency)

  bool operator==(const ControlSettings&) const = default;
};

// "host:port" (an OSC target) split in two; nullopt unless the host is not
// empty and the port is a number in 1..65535.
struct HostPort {
  std::string host, port;
};
std::optional<HostPort> splitHostPort(std::string_view text);

}  // namespace afterimage::pipeline
