// Ableton Link between two peers in one process (Link finds peers over
// the network interfaces, loopback included): led, the other peer takes the
// tempo and its beats fall on the published beat; followed, the beat clock
// takes the other peer's tempo and beats. Agreement within 1 ms.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "audio/beat_clock.h"
#include "control/link_session.h"

namespace afterimage::control {
namespace {

// Waits until both see each other (Link's discovery), at most 10 s.
bool connected(const LinkSession& a, const LinkSession& b) {
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(10)))
    if (a.peers() >= 1 && b.peers() >= 1) return true;
  return false;
}

// Seconds between `time` and the nearest beat of a grid.
double offBeat(const LinkSession::Grid& g, double time) {
  double period = 60.0 / g.bpm, beats = (time - g.beatTime) / period;
  return (beats - std::round(beats)) * period;
}

// Link shares a session state between peers within a few network round
// trips; its tempo is whole microseconds a beat (126.5 BPM reads 126.50008).
template <typename Done>
bool within(double seconds, Done done) {
  for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(5)))
    if (done()) return true;
  return done();
}

TEST(Link, ALeaderPublishesTempoAndBeatsThePeerTakes) {
  LinkSession afterimage(120), peer(120);
  ASSERT_TRUE(connected(afterimage, peer)) << "Link peers in one process did not find each other";
  // The beat clock predicts a beat 150 ms ahead at 126.5 BPM.
  double beat = afterimage.now() + 0.150;
  afterimage.lead(126.5, beat);
  ASSERT_TRUE(within(3, [&] { return std::abs(peer.grid(peer.now()).bpm - 126.5) < 1e-3; }))
      << "the peer's tempo stayed " << peer.grid(peer.now()).bpm;
  double off = offBeat(peer.grid(beat), beat);
  std::printf("peer's tempo %.4f, its beat off the published one by %.4f ms\n", peer.grid(beat).bpm, off * 1000);
  EXPECT_LT(std::abs(off), 0.001);
  // Leading on, with the same tempo and phase a little later, changes nothing more.
  double tempoBefore = peer.grid(beat).bpm;
  afterimage.lead(126.5, beat + 60.0 / 126.5 * 2 + 0.0002);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(peer.grid(beat).bpm, tempoBefore);
  EXPECT_LT(std::abs(offBeat(peer.grid(beat), beat)), 0.001);
}

TEST(Link, AFollowerBeatClockTakesThePeersTempoAndBeats) {
  LinkSession afterimage(120), peer(120);
  ASSERT_TRUE(connected(afterimage, peer));
  double peerBeat = peer.now() + 0.05;
  peer.lead(97.25, peerBeat);
  ASSERT_TRUE(within(3, [&] { return std::abs(afterimage.grid(afterimage.now()).bpm - 97.25) < 1e-3; }));
  // As live mode follows: the grid now, into the beat clock.
  double now = afterimage.now();
  LinkSession::Grid g = afterimage.grid(now);
  audio::BeatClock clock;
  clock.follow(g.bpm, g.beatTime, now);
  EXPECT_NEAR(clock.bpm(), 97.25, 1e-3);  // Link keeps whole microseconds a beat
  double next = clock.nextBeatAfter(now + 1.0);
  double off = offBeat(peer.grid(next), next);
  std::printf("beat clock %.4f BPM, its beat off the peer's by %.4f ms\n", clock.bpm(), off * 1000);
  EXPECT_LT(std::abs(off), 0.001);
}

}  // namespace
}  // namespace afterimage::control
