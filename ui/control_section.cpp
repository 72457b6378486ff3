#include "ui/control_section.h"

#include <imgui.h>

namespace afterimage::ui {

void drawControlSection(const ControlView& view, ControlState& state, double now) {
  for (const ControlLine& line : view.lines) {
    if (line.problem) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.6f, 0.3f, 1));
    ImGui::TextWrapped("%s", line.text.c_str());
    if (line.problem) ImGui::PopStyleColor();
  }
  double offset = view.avOffsetMs;
  ImGui::SetNextItemWidth(-200);
  if (ImGui::DragScalar("A/V offset ms", ImGuiDataType_Double, &offset, 1.0f, nullptr, nullptr, "%.0f ms") &&
      offset >= -2000 && offset <= 2000)
    state.editAvOffset(offset, now);
  if (view.learnTargets.empty()) return;
  ImGui::SetNextItemWidth(-200);
  const char* preview = view.learning.empty() ? "pick, then move a knob" : view.learning.c_str();
  if (ImGui::BeginCombo("MIDI learn", preview)) {
    for (const std::string& target : view.learnTargets)
      if (ImGui::Selectable(target.c_str(), target == view.learning)) state.learnMidi(target, now);
    ImGui::EndCombo();
  }
  if (!view.learning.empty()) {
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) state.learnMidi("", now);
  }
}

}  // namespace afterimage::ui
