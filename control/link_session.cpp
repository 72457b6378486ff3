#include "control/link_session.h"

#include <ableton/Link.hpp>

#include <chrono>
#include <cmath>

namespace afterimage::control {
namespace {

constexpr double kQuantum = 4;  // beats in a bar, as Link apps show them

std::chrono::microseconds micros(double seconds) {
  return std::chrono::microseconds(std::llround(seconds * 1e6));
}

}  // namespace

struct LinkSession::State {
  explicit State(double bpm) : link(bpm) { link.enable(true); }
  ableton::Link link;
};

LinkSession::LinkSession(double bpm) : state_(std::make_unique<State>(bpm)) {}
LinkSession::~LinkSession() { state_->link.enable(false); }

size_t LinkSession::peers() const { return state_->link.numPeers(); }

double LinkSession::now() const { return double(state_->link.clock().micros().count()) * 1e-6; }

LinkSession::Grid LinkSession::grid(double time) const {
  auto session = state_->link.captureAppSessionState();
  Grid g;
  g.bpm = session.tempo();
  g.phase = std::fmod(session.phaseAtTime(micros(time), kQuantum), 1.0);
  g.beatTime = time - g.phase * 60.0 / g.bpm;
  return g;
}

void LinkSession::lead(double bpm, double beatTime, double tolerance) {
  auto session = state_->link.captureAppSessionState();
  auto at = micros(beatTime);
  bool changed = false;
  if (std::abs(session.tempo() - bpm) > 1e-3) {
    session.setTempo(bpm, at);
    changed = true;
  }
  double beat = session.beatAtTime(at, kQuantum);
  double off = beat - std::round(beat);
  if (changed || std::abs(off) > tolerance) {
    session.forceBeatAtTime(std::round(beat), at, kQuantum);
    changed = true;
  }
  if (changed) state_->link.commitAppSessionState(session);
}

}  // namespace afterimage::control
