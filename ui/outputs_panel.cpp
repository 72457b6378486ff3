#include "ui/outputs_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ui/warp_geometry.h"

namespace afterimage::ui {
namespace {

constexpr float kPreviewWidth = 240, kHandleRadius = 7, kMeshRadius = 5;

const std::array<Point2, 4> kWholeWindow{Point2{0, 0}, {1, 0}, {1, 1}, {0, 1}};

// The mesh's control points through the corner pin, each a handle; a drag
// moves the point to where the mouse is, back through the pin.
bool editMesh(WarpMesh& mesh, const std::array<Point2, 4>& corners, ImVec2 origin, ImVec2 size, ControlState& state) {
  Homography pin(corners);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  auto toScreen = [&](const Point2& p) {
    Point2 at = pin(p[0], p[1]);
    return ImVec2(origin.x + at[0] * size.x, origin.y + at[1] * size.y);
  };
  for (int r = 0; r < mesh.rows; ++r)
    for (int c = 0; c < mesh.columns; ++c) {
      ImVec2 at = toScreen(mesh.points[size_t(r * mesh.columns + c)]);
      if (c + 1 < mesh.columns)
        draw->AddLine(at, toScreen(mesh.points[size_t(r * mesh.columns + c + 1)]), IM_COL32(80, 160, 120, 255));
      if (r + 1 < mesh.rows)
        draw->AddLine(at, toScreen(mesh.points[size_t((r + 1) * mesh.columns + c)]), IM_COL32(80, 160, 120, 255));
    }
  bool changed = false;
  for (size_t i = 0; i < mesh.points.size(); ++i) {
    ImGui::PushID(int(100 + i));
    ImVec2 at = toScreen(mesh.points[i]);
    state.meshHandles.push_back({at.x, at.y});
    ImGui::SetCursorScreenPos(ImVec2(at.x - kMeshRadius, at.y - kMeshRadius));
    ImGui::InvisibleButton("mesh", ImVec2(2 * kMeshRadius, 2 * kMeshRadius));
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
      ImVec2 delta = ImGui::GetIO().MouseDelta;
      if (delta.x != 0 || delta.y != 0) {
        Point2 moved = pin.inverse((at.x + delta.x - origin.x) / size.x, (at.y + delta.y - origin.y) / size.y);
        mesh.points[i] = {std::clamp(moved[0], -1.0f, 2.0f), std::clamp(moved[1], -1.0f, 2.0f)};
        changed = true;
      }
    }
    bool hot = ImGui::IsItemActive() || ImGui::IsItemHovered();
    draw->AddCircleFilled(at, kMeshRadius, hot ? IM_COL32(160, 255, 200, 255) : IM_COL32(60, 200, 140, 255));
    ImGui::PopID();
  }
  return changed;
}

// Returns whether the layout changed.
bool editCorners(OutputLayout& output, ControlState& state) {
  float aspect = output.height > 0 ? float(output.height) / float(output.width) : 0.5625f;
  ImVec2 size(kPreviewWidth, kPreviewWidth * aspect);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(20, 20, 20, 255));
  draw->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(90, 90, 90, 255));
  std::array<Point2, 4> corners = output.corners ? *output.corners : kWholeWindow;
  auto toScreen = [&](const Point2& p) { return ImVec2(origin.x + p[0] * size.x, origin.y + p[1] * size.y); };
  ImVec2 quad[4];
  for (int i = 0; i < 4; ++i) quad[i] = toScreen(corners[size_t(i)]);
  draw->AddPolyline(quad, 4, IM_COL32(120, 200, 255, 255), ImDrawFlags_Closed, 1.5f);
  // The mesh first: where a mesh point sits on a corner, the corner (drawn
  // later) is the one grabbed.
  bool changed = !output.mesh.empty() && editMesh(output.mesh, corners, origin, size, state);
  for (int i = 0; i < 4; ++i) {
    ImGui::PushID(i);
    ImVec2 at = quad[i];
    state.cornerHandles.push_back({at.x, at.y});
    ImGui::SetCursorScreenPos(ImVec2(at.x - kHandleRadius, at.y - kHandleRadius));
    ImGui::InvisibleButton("corner", ImVec2(2 * kHandleRadius, 2 * kHandleRadius));
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
      ImVec2 delta = ImGui::GetIO().MouseDelta;
      if (delta.x != 0 || delta.y != 0) {
        auto& corner = corners[size_t(i)];
        corner[0] = std::clamp(corner[0] + delta.x / size.x, -1.0f, 2.0f);
        corner[1] = std::clamp(corner[1] + delta.y / size.y, -1.0f, 2.0f);
        changed = true;
      }
    }
    bool hot = ImGui::IsItemActive() || ImGui::IsItemHovered();
    draw->AddCircleFilled(at, kHandleRadius, hot ? IM_COL32(255, 200, 60, 255) : IM_COL32(255, 140, 0, 255));
    ImGui::PopID();
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + size.y + 4));
  ImGui::Dummy(ImVec2(0, 0));
  if (changed && !output.corners) {
    // Only a corner drag starts a corner pin; a mesh drag alone keeps the letterbox.
    bool moved = false;
    for (int i = 0; i < 4; ++i) moved |= corners[size_t(i)] != kWholeWindow[size_t(i)];
    if (moved) output.corners = corners;
  } else if (changed) {
    output.corners = corners;
  }
  return changed;
}

void drawRecording(const OutputsView& view, ControlState& state, double now) {
  if (view.canRecord) {
    if (ImGui::Button(view.recording ? "Stop recording [Ctrl+R]" : "Record [Ctrl+R]")) state.toggleRecording(now);
    if (view.recording) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1, 0.3f, 0.3f, 1), "REC");
    }
  }
  if (!view.recordingFile.empty())
    ImGui::TextWrapped("%s: %llu frames, %llu dropped%s", view.recordingFile.c_str(),
                       static_cast<unsigned long long>(view.recordedFrames),
                       static_cast<unsigned long long>(view.droppedFrames),
                       view.droppedFrames ? " (the encoder fell behind)" : "");
  if (!view.recordingMessage.empty()) ImGui::TextWrapped("%s", view.recordingMessage.c_str());
  if (!view.stream.empty()) ImGui::TextWrapped("stream: %s", view.stream.c_str());
}

}  // namespace

void drawOutputsSection(const PanelModel& model, ControlState& state, double now) {
  const OutputsView& view = model.outputs;
  state.cornerHandles.clear();
  state.meshHandles.clear();
  ImGui::Checkbox("Calibration grid", &state.calibrate);
  bool changed = false;
  for (size_t i = 0; i < state.venue.outputs.size(); ++i) {
    OutputLayout& output = state.venue.outputs[i];
    ImGui::PushID(int(i));
    ImGui::Text("output %zu%s%s", i + 1, output.name.empty() ? "" : ": ", output.name.c_str());
    changed |= editCorners(output, state);
    if (output.corners) {
      if (ImGui::SmallButton("Letterbox")) output.corners.reset(), changed = true;
      ImGui::SameLine();
    }
    if (output.mesh.empty()) {
      if (ImGui::SmallButton("Add a 3 x 3 mesh")) output.mesh = WarpMesh::regular(3, 3), changed = true;
    } else {
      if (ImGui::SmallButton("Remove the mesh")) output.mesh = WarpMesh{}, changed = true;
      ImGui::SameLine();
      changed |= ImGui::Checkbox("Catmull-Rom", &output.mesh.catmullRom);
    }
    SoftEdge& edge = output.softEdge;
    float sides[4] = {edge.left, edge.right, edge.top, edge.bottom};
    ImGui::SetNextItemWidth(-80);
    if (ImGui::DragFloat4("soft edges", sides, 0.002f, 0.0f, 0.5f, "%.3f")) {
      edge.left = sides[0], edge.right = sides[1], edge.top = sides[2], edge.bottom = sides[3];
      changed = true;
    }
    ImGui::SetNextItemWidth(-80);
    changed |= ImGui::SliderFloat("edge gamma", &edge.gamma, 0.5f, 4.0f, "%.2f");
    ImGui::PopID();
  }
  if (changed) ++state.venueVersion;
  if (!view.venueFile.empty()) {
    if (ImGui::Button("Save venue")) state.saveVenue(now);
    ImGui::SameLine();
    ImGui::TextWrapped("%s%s%s", view.venueFile.c_str(), view.venueMessage.empty() ? "" : ": ",
                       view.venueMessage.c_str());
  }
  drawRecording(view, state, now);
}

}  // namespace afterimage::ui
