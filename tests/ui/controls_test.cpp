// The operator's controls without windows: tap tempo, the keyboard
// shortcuts and where a frame lands in the window (letterbox).
#include <gtest/gtest.h>

#include "ui/glfw.h"
#include "ui/key_bindings.h"
#include "ui/letterbox.h"
#include "ui/tap_tempo.h"

namespace afterimage::ui {
namespace {

TEST(TapTempo, FourTapsHalfASecondApartAre120Bpm) {
  TapTempo tempo;
  EXPECT_EQ(tempo.tap(10.0), 0.0);
  tempo.tap(10.5);
  tempo.tap(11.0);
  double bpm = tempo.tap(11.5);
  std::printf("bpm %.3f\n", bpm);
  EXPECT_NEAR(bpm, 120.0, 1e-9);
}

TEST(TapTempo, UnevenTapsAverageOverTheCount) {
  TapTempo tempo;
  for (double t : {0.0, 0.48, 1.02, 1.5}) tempo.tap(t);  // 1.5 s over 3 intervals
  EXPECT_NEAR(tempo.bpm(), 120.0, 1e-9);
}

TEST(TapTempo, APauseStartsANewCount) {
  TapTempo tempo;
  tempo.tap(0.0);
  tempo.tap(0.5);
  EXPECT_NEAR(tempo.bpm(), 120.0, 1e-9);
  tempo.tap(10.0);  // long after: a new count
  EXPECT_EQ(tempo.count(), 1u);
  EXPECT_EQ(tempo.bpm(), 0.0);
  tempo.tap(10.4);
  EXPECT_NEAR(tempo.bpm(), 150.0, 1e-9);
}

TEST(TapTempo, OnlyTheLastEightTapsCount) {
  TapTempo tempo;
  double t = 0;
  for (int i = 0; i < 8; ++i, t += 1.0) tempo.tap(t);  // 60 BPM
  for (int i = 0; i < 8; ++i, t += 0.5) tempo.tap(t);  // then 120 BPM
  EXPECT_NEAR(tempo.bpm(), 120.0, 1e-9);
}

TEST(Shortcuts, SpaceTapsBTogglesBlackoutFTogglesFreeze) {
  ControlState state;
  EXPECT_TRUE(applyShortcut(GLFW_KEY_SPACE, 1.0, state));
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].kind, ControlEvent::Kind::Tap);
  EXPECT_EQ(state.events[0].time, 1.0);
  EXPECT_EQ(state.tapTempo.count(), 1u);
  applyShortcut(GLFW_KEY_B, 1.1, state);
  EXPECT_TRUE(state.blackout);
  applyShortcut(GLFW_KEY_B, 1.2, state);
  EXPECT_FALSE(state.blackout);
  applyShortcut(GLFW_KEY_F, 1.3, state);
  EXPECT_TRUE(state.freeze);
}

TEST(Shortcuts, DigitsCueScenesFromOne) {
  ControlState state;
  applyShortcut(GLFW_KEY_1, 2.0, state);
  applyShortcut(GLFW_KEY_9, 2.5, state);
  applyShortcut(GLFW_KEY_KP_3, 3.0, state);
  ASSERT_EQ(state.events.size(), 3u);
  EXPECT_EQ(state.events[0].kind, ControlEvent::Kind::Cue);
  EXPECT_EQ(state.events[0].scene, 0);
  EXPECT_EQ(state.events[1].scene, 8);
  EXPECT_EQ(state.events[2].scene, 2);
  EXPECT_FALSE(applyShortcut(GLFW_KEY_0, 3.0, state));
  EXPECT_FALSE(applyShortcut(GLFW_KEY_Q, 3.0, state));
  EXPECT_EQ(state.events.size(), 3u);
}

TEST(Shortcuts, EscapeLeavesFullscreen) {
  ControlState state;
  state.outputMonitor = 1;
  applyShortcut(GLFW_KEY_ESCAPE, 0.0, state);
  EXPECT_EQ(state.outputMonitor, -1);
}

TEST(Shortcuts, CtrlSSavesTheSetAndCtrlLeavesTheOthersAlone) {
  ControlState state;
  EXPECT_TRUE(applyShortcut(GLFW_KEY_S, 4.0, state, GLFW_MOD_CONTROL));
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].kind, ControlEvent::Kind::SaveSet);
  EXPECT_FALSE(applyShortcut(GLFW_KEY_B, 4.1, state, GLFW_MOD_CONTROL));
  EXPECT_FALSE(state.blackout);
  EXPECT_FALSE(applyShortcut(GLFW_KEY_S, 4.2, state));  // S alone is nothing
  EXPECT_EQ(state.events.size(), 1u);
}

TEST(Shortcuts, CtrlRStartsOrStopsRecording) {
  ControlState state;
  EXPECT_TRUE(applyShortcut(GLFW_KEY_R, 5.0, state, GLFW_MOD_CONTROL));
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].kind, ControlEvent::Kind::ToggleRecording);
  EXPECT_FALSE(applyShortcut(GLFW_KEY_R, 5.1, state));  // R alone is nothing
  EXPECT_EQ(state.events.size(), 1u);
}

TEST(Letterbox, WiderWindowGetsBarsLeftAndRight) {
  PixelRect r = letterbox(512, 512, 1920, 1080);
  EXPECT_EQ(r.x, 420);
  EXPECT_EQ(r.y, 0);
  EXPECT_EQ(r.width, 1080u);
  EXPECT_EQ(r.height, 1080u);
}

TEST(Letterbox, TallerWindowGetsBarsAboveAndBelow) {
  PixelRect r = letterbox(1920, 1080, 1000, 1000);
  EXPECT_EQ(r.x, 0);
  EXPECT_EQ(r.width, 1000u);
  EXPECT_EQ(r.height, 563u);  // 562.5 rounded
  EXPECT_EQ(r.y, 218);
}

TEST(Letterbox, SameAspectFillsTheWindow) {
  PixelRect r = letterbox(640, 360, 1280, 720);
  EXPECT_EQ(r.x, 0);
  EXPECT_EQ(r.y, 0);
  EXPECT_EQ(r.width, 1280u);
  EXPECT_EQ(r.height, 720u);
}

}  // namespace
}  // namespace afterimage::ui
