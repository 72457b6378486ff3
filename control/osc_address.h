// Afterimage's OSC address space, as pure functions: an incoming address
// and its arguments to a ControlAction (or why not), the list the
// `osc-addresses` command prints, and the messages OSC out sends for one
// analysis hop. The liblo layers (osc_server.h, osc_sender.h) only move
// bytes.
#pragma once
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "audio/feature_snapshot.h"
#include "control/control_action.h"

namespace afterimage::control {

constexpr std::string_view kOscPrefix = "/afterimage";

// An action, or the reason the message means nothing ("unknown parameter
// 'strenght' (did you mean 'strength'?)").
using OscResult = std::variant<ControlAction, std::string>;
OscResult parseOscMessage(std::string_view address, std::span<const double> args);

// "ADDRESS ARGUMENTS  what it does", one line each: the messages Afterimage
// takes, then those OSC out sends.
std::vector<std::string> oscAddresses();

// One outgoing message: an address and up to four float arguments.
struct OscOutMessage {
  const char* address = "";
  std::array<float, 4> values{};
  int count = 0;
};
// What OSC out sends for a hop: tempo, phase, bands and loudness always;
// beat, bar (on a downbeat), onset, kick, snare, hat and a section's start
// when they happen. No allocation.
constexpr size_t kMostOscOutMessages = 12;
using OscOutMessages = std::array<OscOutMessage, kMostOscOutMessages>;
int oscOutMessages(const audio::FeatureSnapshot& s, OscOutMessages& out);

}  // namespace afterimage::control
