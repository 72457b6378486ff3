#include "ui/control_state.h"

namespace afterimage::ui {

void ControlState::tap(double time) {
  tapTempo.tap(time);
  events.push_back({ControlEvent::Kind::Tap, time, -1});
}

void ControlState::cue(int scene, double time) { events.push_back({ControlEvent::Kind::Cue, time, scene}); }

void ControlState::editMappingGain(int scene, int mapping, double gain, double time) {
  events.push_back({ControlEvent::Kind::MappingGain, time, scene, mapping, gain});
}

void ControlState::editScenePrompts(int scene, std::string text, double time) {
  events.push_back({ControlEvent::Kind::ScenePrompts, time, scene, -1, 0, std::move(text)});
}

void ControlState::saveSet(double time) { events.push_back({ControlEvent::Kind::SaveSet, time}); }

void ControlState::saveVenue(double time) { events.push_back({ControlEvent::Kind::SaveVenue, time}); }

void ControlState::toggleRecording(double time) { events.push_back({ControlEvent::Kind::ToggleRecording, time}); }
void ControlState::editAvOffset(double milliseconds, double time) {
  events.push_back({ControlEvent::Kind::AvOffset, time, -1, -1, milliseconds});
}

void ControlState::learnMidi(std::string target, double time) {
  events.push_back({ControlEvent::Kind::MidiLearn, time, -1, -1, 0, std::move(target)});
}

}  // namespace afterimage::ui
