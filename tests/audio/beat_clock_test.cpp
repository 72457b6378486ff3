// BeatClock: prediction of the next beats, holding tempo and phase through
// a breakdown while confidence decays, recovering after a tempo change, tap
// tempo and nudge; BeatScheduler fires each beat once, ahead of time.
#include <gtest/gtest.h>

#include <cmath>

#include "audio/beat_clock.h"
#include "audio/beat_scheduler.h"

namespace afterimage::audio {
namespace {

// A measurement as the tempo estimator would make it at `now` for a steady
// tempo whose beats fall on multiples of the period after `offset`.
TempoMeasurement steady(double bpm, double offset, double now, double strength = 0.9) {
  TempoMeasurement m;
  m.valid = true;
  m.period = 60.0 / bpm;
  m.lastBeat = offset + std::floor((now - offset) / m.period) * m.period;
  m.strength = strength;
  return m;
}

TEST(BeatClock, PredictsTheNextBeatsOfASteadyTempo) {
  BeatClock clock;
  for (double t = 0; t < 6; t += 0.05) clock.update(steady(120, 0.1, t), t);
  EXPECT_NEAR(clock.bpm(), 120, 0.01);
  EXPECT_NEAR(clock.nextBeatAfter(10.0), 10.1, 1e-3);
  EXPECT_NEAR(clock.phaseAt(10.35), 0.5, 1e-3);
  EXPECT_GT(clock.confidence(), 0.5);
}

TEST(BeatClock, HoldsTempoAndPhaseThroughABreakdownWhileConfidenceDecays) {
  BeatClock clock;
  double t = 0;
  for (; t < 8; t += 0.05) clock.update(steady(128, 0.0, t), t);
  double before = clock.confidence();
  // Eight seconds of weak, misleading measurements (pads only).
  for (; t < 16; t += 0.05) clock.update(steady(97, 0.2, t, 0.1), t);
  EXPECT_NEAR(clock.bpm(), 128, 0.01);
  EXPECT_NEAR(clock.nextBeatAfter(t), std::ceil(t / (60.0 / 128)) * (60.0 / 128), 1e-3) << "phase kept";
  // 8 s at a 6 s half-life: confidence falls to 2^(-8/6) = 0.40 of what it was.
  EXPECT_NEAR(clock.confidence() / before, std::exp2(-8.0 / 6), 0.02);
}

TEST(BeatClock, FollowsATempoChangeWithinAFewBars) {
  BeatClock clock;
  double t = 0;
  for (; t < 8; t += 0.05) clock.update(steady(120, 0.0, t), t);
  double changeAt = t, recovered = -1;
  for (; t < 20; t += 0.05) {
    clock.update(steady(100, changeAt, t), t);
    if (recovered < 0 && std::abs(clock.bpm() - 100) < 0.5 &&
        std::abs(clock.nextBeatAfter(t) - steady(100, changeAt, t).lastBeat - 0.6) < 0.02)
      recovered = t;
  }
  ASSERT_GT(recovered, 0) << "never locked to the new tempo";
  double bars = (recovered - changeAt) / (4 * 0.6);
  std::printf("locked to the new tempo %.2f s (%.1f bars) after the change\n", recovered - changeAt, bars);
  EXPECT_LT(bars, 4);
}

TEST(BeatClock, TapTempoSetsTempoAndPhase) {
  BeatClock clock;
  for (int i = 0; i < 4; ++i) clock.tap(1.0 + i * 0.5);
  EXPECT_NEAR(clock.bpm(), 120, 1e-6);
  EXPECT_NEAR(clock.nextBeatAfter(3.1), 3.5, 1e-9);
  EXPECT_DOUBLE_EQ(clock.confidence(), 1.0);
}

TEST(BeatClock, NudgeMovesTheGrid) {
  BeatClock clock;
  clock.setTempo(120, 0.0);
  clock.nudge(0.02);
  EXPECT_NEAR(clock.nextBeatAfter(0.1), 0.52, 1e-9);
  clock.nudge(-0.04);
  EXPECT_NEAR(clock.nextBeatAfter(0.1), 0.48, 1e-9);
}

TEST(BeatClock, AnOutsideClockIsFollowedAndTheMeasurementsWaitASecond) {
  BeatClock clock;
  clock.follow(128, 10.0, 10.1);
  EXPECT_NEAR(clock.bpm(), 128, 1e-9);
  EXPECT_DOUBLE_EQ(clock.confidence(), 1.0);
  TempoMeasurement strong{true, 0.5, 10.3, 1.0, 1.0};  // 120 BPM, another phase
  for (double t = 10.2; t < 11.0; t += 0.1) clock.update(strong, t);
  EXPECT_NEAR(clock.bpm(), 128, 1e-9) << "the outside clock rules while it calls";
  EXPECT_NEAR(clock.nextBeatAfter(10.2), 10.0 + 60.0 / 128, 1e-9);
  EXPECT_DOUBLE_EQ(clock.confidence(), 1.0);
  for (double t = 11.2; t < 40; t += 0.1) clock.update(strong, t);  // then it stopped calling
  EXPECT_NEAR(clock.bpm(), 120, 0.5) << "once it falls silent the measurements steer again";
}

TEST(BeatScheduler, FiresEachBeatOnceAtLeastTheLookaheadBeforeIt) {
  BeatClock clock;
  clock.setTempo(120, 0.0);
  BeatScheduler scheduler(0.060);
  const double hop = 256.0 / 44100;
  std::vector<ScheduledBeat> fired;
  for (double t = 0; t < 3; t += hop)
    if (auto b = scheduler.poll(clock, t, hop)) fired.push_back(*b);
  ASSERT_EQ(fired.size(), 6u);  // 0.5 .. 3.0
  for (size_t i = 0; i < fired.size(); ++i) {
    EXPECT_NEAR(fired[i].time, 0.5 * double(i + 1), 1e-9);
    double ahead = fired[i].time - fired[i].predictedAt;
    EXPECT_GE(ahead, 0.060);
    EXPECT_LT(ahead, 0.060 + hop);
  }
}

}  // namespace
}  // namespace afterimage::audio
