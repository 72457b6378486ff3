// The panel's Outputs section drawn headless with a synthetic mouse: a drag
// of a corner handle moves that corner of the output's corner pin by the
// drag over the preview's size and bumps the venue's version; saving writes
// the moved corner to the venue file.
#include <gtest/gtest.h>
#include <imgui.h>

#include <filesystem>

#include "tests/support/temp_path.h"
#include "tests/ui/headless_imgui_test.h"
#include "ui/outputs_panel.h"

namespace afterimage::ui {
namespace {

class OutputsPanel : public testing::HeadlessImGuiTest {
 protected:

  void frame(ControlState& state, ImVec2 mouse, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("panel");
    drawOutputsSection(model_, state, 1.0);
    ImGui::End();
    ImGui::Render();
  }

  PanelModel model_;
};

TEST_F(OutputsPanel, DraggingACornerHandleMovesThatCornerAndTheSavedFileHasIt) {
  ControlState state;
  state.venue.outputs[0].width = 640, state.venue.outputs[0].height = 360;
  model_.outputs.venueFile = "club.toml";
  frame(state, ImVec2(-100, -100), false);
  ASSERT_EQ(state.cornerHandles.size(), 4u);
  EXPECT_FALSE(state.venue.outputs[0].corners.has_value());
  // The preview is 240 px wide for a 640 x 360 window: 240 x 135.
  float previewWidth = state.cornerHandles[1][0] - state.cornerHandles[0][0];
  float previewHeight = state.cornerHandles[3][1] - state.cornerHandles[0][1];
  EXPECT_FLOAT_EQ(previewWidth, 240);
  EXPECT_FLOAT_EQ(previewHeight, 135);

  // Press on the bottom right handle, drag it 24 px left and 27 px up.
  ImVec2 grab(state.cornerHandles[2][0], state.cornerHandles[2][1]);
  uint64_t version = state.venueVersion;
  frame(state, grab, false);
  frame(state, grab, true);
  for (int step = 1; step <= 3; ++step) frame(state, ImVec2(grab.x - 8 * step, grab.y - 9 * step), true);
  frame(state, ImVec2(grab.x - 24, grab.y - 27), false);
  ASSERT_TRUE(state.venue.outputs[0].corners.has_value());
  const auto& corners = *state.venue.outputs[0].corners;
  EXPECT_NEAR(corners[2][0], 1 - 24.0 / 240, 1e-4);
  EXPECT_NEAR(corners[2][1], 1 - 27.0 / 135, 1e-4);
  EXPECT_NEAR(corners[0][0], 0, 1e-6);  // the others stay
  EXPECT_NEAR(corners[1][0], 1, 1e-6);
  EXPECT_GT(state.venueVersion, version);

  // "Save venue" asks the show to save; the show writes state.venue.
  state.events.clear();
  ImVec2 away(-100, -100);
  frame(state, away, false);
  auto path = afterimage::testing::uniqueTempPath("panel_venue.toml");
  saveVenue(state.venue, path);
  Venue saved = loadVenue(path);
  ASSERT_TRUE(saved.outputs[0].corners.has_value());
  EXPECT_NEAR((*saved.outputs[0].corners)[2][0], 0.9, 1e-4);
  EXPECT_NEAR((*saved.outputs[0].corners)[2][1], 0.8, 1e-4);
  std::filesystem::remove(path);
}

TEST_F(OutputsPanel, DraggingAMeshPointMovesItThroughTheCornerPin) {
  ControlState state;
  OutputLayout& output = state.venue.outputs[0];
  output.width = 640, output.height = 360;
  // The region pinned to the window's right half: a mesh point's drag is
  // undone through the pin (x doubles).
  output.corners = std::array<Point2, 4>{Point2{0.5f, 0}, {1, 0}, {1, 1}, {0.5f, 1}};
  output.mesh = WarpMesh::regular(3, 3);
  frame(state, ImVec2(-100, -100), false);
  ASSERT_EQ(state.meshHandles.size(), 9u);
  ImVec2 grab(state.meshHandles[4][0], state.meshHandles[4][1]);  // the middle one, at 0.75 x 0.5 of the preview
  EXPECT_NEAR(grab.x - state.cornerHandles[0][0], 240 * 0.25, 1e-3);
  frame(state, grab, false);
  frame(state, grab, true);
  for (int step = 1; step <= 2; ++step) frame(state, ImVec2(grab.x + 6 * step, grab.y + 13.5f * step), true);
  frame(state, ImVec2(grab.x + 12, grab.y + 27), false);
  // 12 px of a 240 px preview is 0.05 of the window, 0.1 of the pinned half;
  // 27 px of 135 is 0.2 of both.
  EXPECT_NEAR(output.mesh.points[4][0], 0.6, 1e-4);
  EXPECT_NEAR(output.mesh.points[4][1], 0.7, 1e-4);
  EXPECT_NEAR(output.mesh.points[0][0], 0, 1e-6);
  EXPECT_NEAR((*output.corners)[0][0], 0.5, 1e-6);  // the pin stays
}

}  // namespace
}  // namespace afterimage::ui
