#include "ui/control_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/control_section.h"
#include "ui/outputs_panel.h"

namespace afterimage::ui {
namespace {

const char* kBandNames[audio::BandCount] = {"sub", "low", "mid", "high"};
const char* kDrumNames[audio::DrumKindCount] = {"kick", "snare", "hat"};

// One light per drum kind: lit by its latest hit in proportion to the hit's
// strength, fading over 0.15 s of audio time.
void drumLights(const audio::FeatureSnapshot& f) {
  float width = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / float(audio::DrumKindCount);
  for (int k = 0; k < audio::DrumKindCount; ++k) {
    double age = f.time - f.drumHitTime[size_t(k)];
    float lit = f.drumHitTime[size_t(k)] > 0 && age >= 0 ? f.drumHitStrength[size_t(k)] * float(std::exp(-age / 0.15)) : 0.0f;
    if (k > 0) ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.3f + 0.7f * lit, 0.25f + 0.45f * lit, 0.1f, 1.0f));
    ImGui::ProgressBar(std::clamp(lit, 0.0f, 1.0f), ImVec2(width, 0), kDrumNames[k]);
    ImGui::PopStyleColor();
  }
}

// Band energies and loudness sit around 1 at the running level (automatic
// gain); the meters show 0..2 so peaks above the average still move them.
void meter(const char* label, float value, float full = 2.0f) {
  char overlay[32];
  std::snprintf(overlay, sizeof overlay, "%s %.2f", label, value);
  ImGui::ProgressBar(std::clamp(value / full, 0.0f, 1.0f), ImVec2(-1, 0), overlay);
}

// The section the music is in, and in a build-up the bars to the predicted drop.
void sectionLine(const audio::FeatureSnapshot& f) {
  switch (f.section) {
    case audio::MusicSection::None: ImGui::TextDisabled("section: -"); break;
    case audio::MusicSection::Buildup:
      ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "section: build-up, drop in %.1f bars", f.dropInBars);
      break;
    case audio::MusicSection::Drop: ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "section: drop"); break;
    case audio::MusicSection::Breakdown: ImGui::Text("section: breakdown"); break;
  }
}

void drawOutput(const PanelModel& model, ControlState& state) {
  const PresenterStats& p = model.presenter;
  ImGui::Text("output %.1f fps   new frames %.1f/s", p.presentedFps, p.newFramesFps);
  ImGui::Text("generated %.1f fps   upload %.2f ms   panel %.0f fps", model.generatedFps, p.uploadMilliseconds,
              p.panelFps);
  if (model.pictureLatencyFrames > 0) {
    // The sliding temporal window shows the frame L before its newest.
    double ms = model.generatedFps > 0 ? 1000.0 * model.pictureLatencyFrames / model.generatedFps : 0.0;
    ImGui::Text("picture %u frame(s) late (temporal lookahead), %.0f ms at this rate", model.pictureLatencyFrames, ms);
  }
  ImGui::Checkbox("Freeze [F]", &state.freeze);
  ImGui::SameLine();
  ImGui::Checkbox("Blackout [B]", &state.blackout);
  ImGui::SliderFloat("crossfade s", &state.crossfadeSeconds, 0.0f, 2.0f, "%.2f");

  std::string current = "windowed";
  for (const auto& m : model.monitors)
    if (m.index == state.outputMonitor) current = describeMonitor(m);
  if (ImGui::BeginCombo("output", current.c_str())) {
    if (ImGui::Selectable("windowed [Esc]", state.outputMonitor < 0)) state.outputMonitor = -1;
    for (const auto& m : model.monitors) {
      std::string label = "fullscreen on " + describeMonitor(m);
      if (ImGui::Selectable(label.c_str(), state.outputMonitor == m.index)) state.outputMonitor = m.index;
    }
    ImGui::EndCombo();
  }
  if (!p.message.empty()) ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", p.message.c_str());

  if (!model.stages.empty() && ImGui::BeginTable("stages", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("stage");
    ImGui::TableSetupColumn("ms");
    ImGui::TableHeadersRow();
    for (const auto& stage : model.stages) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(stage.label.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", stage.milliseconds);
    }
    ImGui::EndTable();
  }
}

void drawAudio(const PanelModel& model, ControlState& state, double now) {
  const audio::FeatureSnapshot& f = model.features;
  ImGui::Text("audio: %s%s", model.audioSource.empty() ? "none" : model.audioSource.c_str(),
              model.audioLive ? "" : " (silent: features at rest)");
  for (int b = 0; b < audio::BandCount; ++b) meter(kBandNames[b], f.bands[b]);
  meter("loudness", f.loudness);
  drumLights(f);
  sectionLine(f);

  // The flash follows the beat clock's phase, so it keeps time between
  // detected beats too.
  float flash = f.bpm > 0 ? std::clamp(1.0f - f.beatPhase * 4.0f, 0.0f, 1.0f) : 0.0f;
  ImVec2 corner = ImGui::GetCursorScreenPos();
  float size = ImGui::GetTextLineHeight() * 2;
  ImGui::GetWindowDrawList()->AddRectFilled(
      corner, ImVec2(corner.x + size, corner.y + size),
      ImGui::GetColorU32(ImVec4(0.2f + 0.8f * flash, 0.2f + 0.6f * flash, 0.1f, 1.0f)), 4.0f);
  ImGui::Dummy(ImVec2(size, size));
  ImGui::SameLine();
  ImGui::BeginGroup();
  // The time signature as written: beats in three count eighths (6/8, 12/8).
  int signature = f.subdivision == 3 ? 3 * f.beatsPerBar : f.beatsPerBar;
  ImGui::Text("%.1f BPM  beat %d/%d  (%d/%d)%s", f.bpm, f.beatInBar + 1, f.beatsPerBar, signature,
              f.subdivision == 3 ? 8 : 4, f.onset ? "  onset" : "");
  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "confidence %.0f%%", f.confidence * 100);
  ImGui::ProgressBar(std::clamp(f.confidence, 0.0f, 1.0f), ImVec2(-1, 0), confidence);
  ImGui::EndGroup();

  if (ImGui::Button("Tap [Space]")) state.tap(now);
  ImGui::SameLine();
  if (state.tapTempo.bpm() > 0)
    ImGui::Text("tapped %.1f BPM (%zu taps)", state.tapTempo.bpm(), state.tapTempo.count());
  else
    ImGui::TextUnformatted("tap four times or more");
}

void drawScenes(const PanelModel& model, ControlState& state, double now) {
  if (model.sceneNames.empty()) {
    ImGui::TextUnformatted("no scenes");
    return;
  }
  for (int i = 0; i < int(model.sceneNames.size()); ++i) {
    ImGui::PushID(i);
    bool active = i == model.activeScene;
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.8f, 0.45f, 0.1f, 1));
    char label[16];
    std::snprintf(label, sizeof label, i < 9 ? "Cue %d" : "Cue", i + 1);
    if (ImGui::Button(label)) state.cue(i, now);
    if (active) ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::Text("%s%s%s", model.sceneNames[i].c_str(), active ? "  (on)" : "",
                i == model.pendingScene ? "  (next bar)" : "");
    ImGui::PopID();
  }
}

// The set's prompts and mapping gains, edited in place: each change becomes
// an event for the show, which applies it to its set; "Save set" writes it.
void drawSet(const PanelModel& model, ControlState& state, double now) {
  const SetView& set = model.set;
  ImGui::TextWrapped("%s%s", set.file.c_str(), set.unsaved ? "  (edited, not saved)" : "");
  for (int i = 0; i < int(set.scenePrompts.size()); ++i) {
    ImGui::PushID(i);
    // ImGui keeps its own copy of the text while the field is active, so a
    // buffer filled from the model each frame does not fight the typing.
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%s", set.scenePrompts[size_t(i)].c_str());
    const char* name = i < int(model.sceneNames.size()) ? model.sceneNames[size_t(i)].c_str() : "scene";
    ImGui::SetNextItemWidth(-120);
    if (ImGui::InputText(name, buffer, sizeof buffer, ImGuiInputTextFlags_EnterReturnsTrue))
      state.editScenePrompts(i, buffer, now);
    ImGui::PopID();
  }
  if (!set.scenePrompts.empty()) ImGui::TextDisabled("prompts or styles as \"a:0.7, b:0.3\"; Enter applies");
  for (const MappingView& m : set.mappings) {
    ImGui::PushID(m.scene * 1000 + m.index + 1000);
    double gain = m.gain;
    double speed = std::max(std::fabs(gain) * 0.01, 0.0005);
    ImGui::SetNextItemWidth(-200);
    if (ImGui::DragScalar(m.label.c_str(), ImGuiDataType_Double, &gain, float(speed), nullptr, nullptr, "gain %.4g"))
      state.editMappingGain(m.scene, m.index, gain, now);
    ImGui::PopID();
  }
  if (ImGui::Button("Save set [Ctrl+S]")) state.saveSet(now);
  if (!set.message.empty()) {
    ImGui::SameLine();
    ImGui::TextWrapped("%s", set.message.c_str());
  }
}

}  // namespace

void drawControlPanel(const PanelModel& model, ControlState& state, double now) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("Afterimage", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  if (!model.status.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", model.status.c_str());
  if (ImGui::CollapsingHeader("Output", ImGuiTreeNodeFlags_DefaultOpen)) drawOutput(model, state);
  if (ImGui::CollapsingHeader("Outputs")) drawOutputsSection(model, state, now);
  if (ImGui::CollapsingHeader("Audio", ImGuiTreeNodeFlags_DefaultOpen)) drawAudio(model, state, now);
  if (ImGui::CollapsingHeader("Scenes [1-9]", ImGuiTreeNodeFlags_DefaultOpen)) drawScenes(model, state, now);
  if (!model.set.file.empty() && ImGui::CollapsingHeader("Set", ImGuiTreeNodeFlags_DefaultOpen))
    drawSet(model, state, now);
  if (model.control.shown && ImGui::CollapsingHeader("Control", ImGuiTreeNodeFlags_DefaultOpen))
    drawControlSection(model.control, state, now);
  ImGui::End();
}

}  // namespace afterimage::ui
