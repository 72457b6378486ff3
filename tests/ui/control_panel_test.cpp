// The control panel drawn headless (an ImGui context with no backend): it
// lays out every section for a full model and leaves ImGui's stacks
// balanced, so a real window can draw it every frame.
#include <gtest/gtest.h>
#include <imgui.h>

#include <memory>

#include "tests/ui/headless_imgui_test.h"
#include "ui/control_panel.h"

namespace afterimage::ui {
namespace {

class ControlPanel : public testing::HeadlessImGuiTest {
 protected:

  // Vertices drawn for one frame of the panel.
  int drawFrame(const PanelModel& model, ControlState& state) {
    ImGui::NewFrame();
    drawControlPanel(model, state, 1.0);
    ImGui::Render();
    return ImGui::GetDrawData()->TotalVtxCount;
  }
};

TEST_F(ControlPanel, DrawsAFullModelAndLeavesTheStateAlone) {
  PanelModel model;
  model.features.bpm = 128;
  model.features.confidence = 0.7f;
  model.features.bands = {0.5f, 1.0f, 1.5f, 2.5f};
  model.features.loudness = 1.0f;
  model.features.time = 2.0;
  model.features.drumHitTime[audio::Kick] = 1.95, model.features.drumHitStrength[audio::Kick] = 1.0f;  // a lit light
  model.features.section = audio::MusicSection::Buildup, model.features.dropInBars = 3.5f;
  model.sceneNames = {"intro", "drop", "outro"};
  model.activeScene = 1;
  model.pendingScene = 2;
  model.stages = {{"unet", 41.5}, {"decode", 3.2}};
  model.monitors = {{0, "laptop", 1920, 1080, 60, 0, 0}, {1, "projector", 1280, 720, 60, 1920, 0}};
  model.status = "set error: line 3";
  ControlState state;
  state.outputMonitor = 1;
  int empty = drawFrame(PanelModel{}, state);
  int full = drawFrame(model, state);
  std::printf("vertices: empty model %d, full model %d\n", empty, full);
  EXPECT_GT(full, empty);  // scenes, stages and the status line add to it
  EXPECT_GT(empty, 500);
  EXPECT_TRUE(state.events.empty());
  EXPECT_FALSE(state.blackout);
  EXPECT_EQ(state.outputMonitor, 1);
}

TEST_F(ControlPanel, SaysHowLateASlidingWindowsPictureIs) {
  PanelModel model;
  model.generatedFps = 24;
  ControlState state;
  int inTime = drawFrame(model, state);
  model.pictureLatencyFrames = 1;
  EXPECT_GT(drawFrame(model, state), inTime);  // the latency line
}

TEST_F(ControlPanel, DrawsTheSetSectionOnlyWithASet) {
  PanelModel model;
  model.sceneNames = {"intro", "drop"};
  int without = drawFrame(model, *std::make_unique<ControlState>());
  model.set.file = "sets/default.toml";
  model.set.scenePrompts = {"plasma:0.7, tunnel:0.3", "smoke"};
  model.set.mappings = {{"low -> zoom", -1, 0, 0.03}, {"mid -> prompt.1.weight", 1, 0, 0.6}};
  model.set.unsaved = true;
  model.set.message = "saved";
  ControlState state;
  int with = drawFrame(model, state);
  std::printf("vertices: without a set %d, with one %d\n", without, with);
  EXPECT_GT(with, without + 200);  // two prompt fields, two gains, the save button
  EXPECT_TRUE(state.events.empty());  // drawing edits nothing
}

}  // namespace
}  // namespace afterimage::ui
