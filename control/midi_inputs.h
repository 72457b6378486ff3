// The MIDI input devices (RtMidi on ALSA): the ports whose names contain a
// wanted name ("*": every port) are opened and their messages handed to a
// receiver on RtMidi's threads; refresh() (about every second) opens ports
// that appeared and closes those that went, so an unplugged controller is
// re-opened when it comes back. A machine without the ALSA sequencer
// (/dev/snd/seq) has no ports: a status line, not an error.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::control {

class MidiInputs {
 public:
  using Receiver = std::function<void(std::string_view port, std::span<const uint8_t> bytes)>;
  explicit MidiInputs(Receiver receiver);
  ~MidiInputs();
  MidiInputs(const MidiInputs&) = delete;
  MidiInputs& operator=(const MidiInputs&) = delete;

  void refresh(const std::vector<std::string>& wanted);
  // One line per wanted name: "MIDI: nanoKONTROL2 open (nanoKONTROL2:... 20:0)",
  // "MIDI: nanoKONTROL2 not found (retrying; ports: ...)"; problem marks the latter.
  struct Line {
    std::string text;
    bool problem = false;
  };
  std::vector<Line> lines() const;

  struct Device;  // an open port (RtMidi's callback reaches it)

 private:
  Receiver receiver_;
  std::vector<std::string> wanted_;
  std::vector<std::string> ports_;
  std::vector<std::unique_ptr<Device>> open_;
  std::string problem_;  // no sequencer, or RtMidi's error
};

}  // namespace afterimage::control
