#include "ui/outputs_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace afterimage::ui {
namespace {

constexpr float kPreviewWidth = 240, kHandleRadius = 7;

// Returns whether the layout changed.
bool editCorners(OutputLayout& output, ControlState& state) {
  float aspect = output.height > 0 ? float(output.height) / float(output.width) : 0.5625f;
  ImVec2 size(kPreviewWidth, kPreviewWidth * aspect);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(20, 20, 20, 255));
  draw->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(90, 90, 90, 255));
  std::array<Point2, 4> corners = output.corners ? *output.corners
                                                 : std::array<Point2, 4>{Point2{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  auto toScreen = [&](const Point2& p) { return ImVec2(origin.x + p[0] * size.x, origin.y + p[1] * size.y); };
  ImVec2 quad[4];
  for (int i = 0; i < 4; ++i) quad[i] = toScreen(corners[size_t(i)]);
  draw->AddPolyline(quad, 4, IM_COL32(120, 200, 255, 255), ImDrawFlags_Closed, 1.5f);
  bool changed = false;
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
  if (changed) output.corners = corners;
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
  ImGui::Checkbox("Calibration grid", &state.calibrate);
  bool changed = false;
  for (size_t i = 0; i < state.venue.outputs.size(); ++i) {
    OutputLayout& output = state.venue.outputs[i];
    ImGui::PushID(int(i));
    ImGui::Text("output %zu%s%s", i + 1, output.name.empty() ? "" : ": ", output.name.c_str());
    changed |= editCorners(output, state);
    if (output.corners) {
      ImGui::SameLine();
      if (ImGui::SmallButton("Letterbox")) output.corners.reset(), changed = true;
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
