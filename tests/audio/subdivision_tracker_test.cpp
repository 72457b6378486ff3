// The subdivision tracker on its own: onsets placed between beats at a
// steady tempo, the beats given, as the analyzer gives them.
#include "audio/subdivision_tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace afterimage::audio {
namespace {

constexpr double kHop = 256.0 / 44100;
// The flux of an attack peaks this long after it (the analyzer's beat flux: 17 ms).
constexpr double kLag = 0.017;

// `beats` beats of `period` seconds, each with an onset (strength 1) at its
// start and at each fraction of `between` (strength `level`), over a floor
// of small random-ish flux; returns the subdivision after each beat.
std::vector<int> subdivisions(SubdivisionTracker& tracker, int beats, double period, std::vector<double> between,
                              float level = 0.6f, float floor = 0.02f) {
  std::vector<int> after;
  double time = 0;
  int next = 1;
  unsigned noise = 12345;
  while (next <= beats) {
    time += kHop;
    double beatStart = std::floor(time / period) * period, into = time - beatStart;
    noise = noise * 1103515245u + 12345u;
    float onset = floor * float((noise >> 16) % 1000) / 1000.0f;
    // An onset's flux peaks in the first hop from kLag after it.
    auto peaksAt = [&](double fraction) { return into >= fraction * period + kLag && into < fraction * period + kLag + kHop; };
    if (peaksAt(0)) onset = 1.0f;
    for (double f : between)
      if (peaksAt(f)) onset = level;
    tracker.push(onset, time);
    if (time >= next * period + 0.05) {  // the beat told a little after it, all its hops in
      tracker.beat((next - 1) * period, next * period);
      after.push_back(tracker.subdivision());
      ++next;
    }
  }
  return after;
}

TEST(SubdivisionTracker, TripletsAreThree) {
  SubdivisionTracker tracker(kHop, kLag);
  auto after = subdivisions(tracker, 20, 0.6, {1.0 / 3, 2.0 / 3});
  EXPECT_EQ(after.back(), 3);
  EXPECT_GT(tracker.tripleShare(), 0.9);
  // Not before it has heard enough beats.
  EXPECT_EQ(after[5], 2);
}

TEST(SubdivisionTracker, EighthsAndSixteenthsAreTwo) {
  for (auto between : {std::vector<double>{0.5}, std::vector<double>{0.25, 0.5, 0.75}}) {
    SubdivisionTracker tracker(kHop, kLag);
    auto after = subdivisions(tracker, 30, 0.5, between);
    for (size_t b = 0; b < after.size(); ++b) EXPECT_EQ(after[b], 2) << "beat " << b;
    EXPECT_LT(tracker.tripleShare(), 0.2);
  }
}

// A shuffle: the off-eighth moved to two thirds of the beat, nothing at one third.
TEST(SubdivisionTracker, AShuffleIsThree) {
  SubdivisionTracker tracker(kHop, kLag);
  EXPECT_EQ(subdivisions(tracker, 20, 0.6, {2.0 / 3}).back(), 3);
}

// Only the beats: nothing between them says anything, so it stays two.
TEST(SubdivisionTracker, BeatsAloneStayTwo) {
  SubdivisionTracker tracker(kHop, kLag);
  auto after = subdivisions(tracker, 30, 0.5, {}, 0.0f, 0.02f);
  EXPECT_EQ(after.back(), 2);
}

// From triplets to straight eighths: it follows, once the straight beats
// outweigh the remembered ones, and does not flicker on the way.
TEST(SubdivisionTracker, FollowsAChangeWithoutFlicker) {
  SubdivisionTracker tracker(kHop, kLag);
  subdivisions(tracker, 20, 0.6, {1.0 / 3, 2.0 / 3});
  ASSERT_EQ(tracker.subdivision(), 3);
  // Then straight eighths, the clock going on from where the triplets ended.
  const double offset = 20 * 0.6 + 0.05, period = 0.6;
  std::vector<int> straight;
  double time = offset;
  for (int next = 1; next <= 30;) {
    time += kHop;
    double into = std::fmod(time - offset, period) - kLag;
    float onset = into >= 0 && into < kHop                                   ? 1.0f
                  : (into >= 0.5 * period && into < 0.5 * period + kHop) ? 0.6f
                                                                          : 0.01f;
    tracker.push(onset, time);
    if (time >= offset + next * period + 0.05) {
      tracker.beat(offset + (next - 1) * period, offset + next * period);
      straight.push_back(tracker.subdivision());
      ++next;
    }
  }
  EXPECT_EQ(straight.back(), 2);
  int changes = 0;
  for (size_t b = 1; b < straight.size(); ++b) changes += straight[b] != straight[b - 1];
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(straight.front(), 3) << "a beat or two of eighths must not undo many of triplets";
}

// Windows placed where the flux is: without the lag, triplets at 180 BPM
// (a 24th of the beat is 14 ms) would fall outside their windows.
TEST(SubdivisionTracker, FastTripletsAreThreeWhereTheirFluxLags) {
  SubdivisionTracker tracker(kHop, kLag);
  EXPECT_EQ(subdivisions(tracker, 30, 60.0 / 180, {1.0 / 3, 2.0 / 3}).back(), 3);
  SubdivisionTracker unaware(kHop, 0.0);
  EXPECT_EQ(subdivisions(unaware, 30, 60.0 / 180, {1.0 / 3, 2.0 / 3}, 0.6f, 0.0f).back(), 2);
}

TEST(SubdivisionTracker, RefusesOptionsOutOfRange) {
  SubdivisionTracker::Options o;
  o.memoryBeats = -1;
  EXPECT_THROW(SubdivisionTracker(kHop, kLag, o), std::invalid_argument);
  EXPECT_THROW(SubdivisionTracker(kHop, -0.1), std::invalid_argument);
}

TEST(SubdivisionTracker, NonFiniteOnsetsCountAsNothing) {
  SubdivisionTracker tracker(kHop, kLag);
  const float bad[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity()};
  for (int i = 0; i < 400; ++i) tracker.push(bad[i % 3], i * kHop);
  for (int b = 0; b < 3; ++b) tracker.beat(b * 0.5, (b + 1) * 0.5);
  EXPECT_EQ(tracker.subdivision(), 2);
  EXPECT_TRUE(std::isfinite(tracker.tripleShare()));
  auto after = subdivisions(tracker, 20, 0.6, {1.0 / 3, 2.0 / 3});
  EXPECT_EQ(after.back(), 3);
}

}  // namespace
}  // namespace afterimage::audio
