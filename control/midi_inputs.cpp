#include "control/midi_inputs.h"

#include <rtmidi/RtMidi.h>
#include <unistd.h>

#include <algorithm>

namespace afterimage::control {

struct MidiInputs::Device {
  std::string port;
  RtMidiIn in;
  Receiver* receiver = nullptr;
};

namespace {

constexpr const char* kSequencer = "/dev/snd/seq";

void onMessage(double, std::vector<unsigned char>* bytes, void* device) {
  auto* d = static_cast<MidiInputs::Device*>(device);
  (*d->receiver)(d->port, std::span<const uint8_t>(bytes->data(), bytes->size()));
}

bool wants(const std::string& wanted, const std::string& port) {
  return wanted == "*" || port.find(wanted) != std::string::npos;
}

}  // namespace

MidiInputs::MidiInputs(Receiver receiver) : receiver_(std::move(receiver)) {}
MidiInputs::~MidiInputs() = default;

void MidiInputs::refresh(const std::vector<std::string>& wanted) {
  wanted_ = wanted;
  ports_.clear();
  if (wanted.empty()) {
    open_.clear();
    return;
  }
  // Without the sequencer RtMidi and ALSA print their complaints on every
  // try: look first.
  if (access(kSequencer, R_OK | W_OK) != 0) {
    open_.clear();
    problem_ = std::string("no ALSA sequencer (") + kSequencer + "; modprobe snd-seq), no MIDI devices";
    return;
  }
  try {
    RtMidiIn lister(RtMidi::LINUX_ALSA, "afterimage list");
    for (unsigned i = 0; i < lister.getPortCount(); ++i) ports_.push_back(lister.getPortName(i));
    // Gone: closed, so that they are opened afresh when they come back.
    std::erase_if(open_, [&](const auto& d) { return std::find(ports_.begin(), ports_.end(), d->port) == ports_.end(); });
    for (unsigned i = 0; i < ports_.size(); ++i) {
      const std::string& port = ports_[i];
      bool isWanted = std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) { return wants(w, port); });
      bool isOpen = std::any_of(open_.begin(), open_.end(), [&](const auto& d) { return d->port == port; });
      if (!isWanted || isOpen) continue;
      auto device = std::unique_ptr<Device>(new Device{port, RtMidiIn(RtMidi::LINUX_ALSA, "afterimage"), &receiver_});
      device->in.ignoreTypes(true, false, true);  // sysex and active sensing out, the clock in
      device->in.setCallback(onMessage, device.get());
      device->in.openPort(i, "afterimage in");
      open_.push_back(std::move(device));
    }
    problem_.clear();
  } catch (const RtMidiError& e) {
    problem_ = "RtMidi: " + e.getMessage();
  }
}

std::vector<MidiInputs::Line> MidiInputs::lines() const {
  std::vector<Line> out;
  if (wanted_.empty()) return out;
  if (!problem_.empty()) return {{"MIDI: " + problem_, true}};
  std::string available;
  for (const auto& p : ports_) available += (available.empty() ? "" : ", ") + p;
  for (const std::string& w : wanted_) {
    std::string open;
    for (const auto& d : open_)
      if (wants(w, d->port)) open += (open.empty() ? "" : ", ") + d->port;
    if (!open.empty()) out.push_back({"MIDI: " + w + " open (" + open + ")"});
    else out.push_back({"MIDI: " + w + " not found, retrying (ports: " + (available.empty() ? "none" : available) + ")", true});
  }
  return out;
}

}  // namespace afterimage::control
