// A frame's features from the hops heard since the previous frame: the
// latest snapshot, with the attack features at their peak and the events of
// any hop.
#include "engine/pipeline/frame_features.h"

#include <gtest/gtest.h>

#include <vector>

namespace afterimage::pipeline {
namespace {

TEST(FrameFeatures, LatestSnapshotWithPeakAttackAndAnyEvent) {
  std::vector<audio::FeatureSnapshot> hops(4);
  for (size_t i = 0; i < hops.size(); ++i) {
    hops[i].time = 0.01 * double(i);
    hops[i].loudness = float(i);
    hops[i].onsetStrength = 0.05f;
    hops[i].flux = 0.001f;
  }
  hops[1].onsetStrength = 0.4f, hops[1].flux = 0.03f, hops[1].onset = true;
  hops[2].beat = true, hops[2].beatTime = 0.015;
  hops[1].drumStrength[audio::Kick] = 0.9f, hops[1].drumHit[audio::Kick] = true;
  hops[2].drumStrength[audio::Hat] = 0.6f;

  audio::FeatureSnapshot frame = frameFeatures(hops);
  EXPECT_EQ(frame.time, 0.03);
  EXPECT_EQ(frame.loudness, 3.0f);  // the latest
  EXPECT_EQ(frame.onsetStrength, 0.4f);
  EXPECT_EQ(frame.flux, 0.03f);
  EXPECT_TRUE(frame.onset);
  EXPECT_TRUE(frame.beat);
  EXPECT_EQ(frame.beatTime, 0.015);
  EXPECT_EQ(frame.drumStrength[audio::Kick], 0.9f);
  EXPECT_EQ(frame.drumStrength[audio::Hat], 0.6f);
  EXPECT_TRUE(frame.drumHit[audio::Kick]);
  EXPECT_FALSE(frame.drumHit[audio::Hat]);

  audio::FeatureSnapshot last = frameFeatures(std::span(hops).subspan(3));
  EXPECT_EQ(last.onsetStrength, 0.05f);
  EXPECT_FALSE(last.onset);
  EXPECT_FALSE(last.beat);
  EXPECT_THROW(frameFeatures({}), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::pipeline
