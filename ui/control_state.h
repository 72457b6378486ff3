// What the operator controls (ControlState, edited by the panel and the
// keyboard) and what the panel shows (PanelModel, filled by whoever runs the
// show). Plain data: the ui never reaches into the conductor or generator;
// the owner of the frame loop reads the state and drains its events each
// frame and passes them on.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "audio/feature_snapshot.h"
#include "ui/control_view.h"
#include "ui/monitors.h"
#include "ui/tap_tempo.h"
#include "ui/venue.h"

namespace afterimage::ui {

struct ControlEvent {
  enum class Kind { Tap, Cue, MappingGain, ScenePrompts, SaveSet, SaveVenue, ToggleRecording, AvOffset, MidiLearn };
  Kind kind = Kind::Tap;
  double time = 0;  // seconds on the presenter's clock (glfwGetTime)
  int scene = -1;   // Cue, ScenePrompts: the scene index; MappingGain: the mapping's scene, -1 the set's own
  int mapping = -1; // MappingGain: its index in that list
  double value = 0; // MappingGain: the new gain; AvOffset: milliseconds
  std::string text; // ScenePrompts: the new mix, "plasma:0.7, tunnel:0.3"; MidiLearn: the target ("" cancels)
};

struct ControlState {
  bool freeze = false;    // the output holds its frame
  bool blackout = false;  // the output fades to black
  float crossfadeSeconds = 0.25f;
  int outputMonitor = -1;  // fullscreen on this monitor; -1 windowed
  bool calibrate = false;  // the outputs show the calibration grid
  // The outputs' layouts (ui/venue.h): the panel edits them and bumps
  // venueVersion; the presenter applies a new version.
  Venue venue = Venue::single();
  uint64_t venueVersion = 0;
  // Where the panel drew each output's four corner handles last frame
  // (screen pixels, output-major): what a drag grabs, and what tests aim at.
  std::vector<Point2> cornerHandles;
  std::vector<Point2> meshHandles;  // likewise the mesh's control points
  bool quit = false;
  TapTempo tapTempo;
  std::vector<ControlEvent> events;  // since the owner last cleared them

  void tap(double time);
  void cue(int scene, double time);
  // Edits of the set (the show applies them to its set) and saving it.
  void editMappingGain(int scene, int mapping, double gain, double time);
  void editScenePrompts(int scene, std::string text, double time);
  void saveSet(double time);
  void saveVenue(double time);
  void toggleRecording(double time);
  // The Control section (control_section.h).
  void editAvOffset(double milliseconds, double time);
  void learnMidi(std::string target, double time);
};

struct StageTiming {
  std::string label;
  double milliseconds = 0;
};

struct PresenterStats {
  double presentedFps = 0;  // output window presents per second (the display's rate)
  double newFramesFps = 0;  // new frames taken from the mailbox per second
  double panelFps = 0;
  uint64_t framesPresented = 0;
  uint64_t framesTaken = 0;
  double uploadMilliseconds = 0;  // CPU time to stage and record the last new frame's upload
  std::string message;            // e.g. a monitor that could not be used
};

// What the panel shows of the set, to edit.
struct MappingView {
  std::string label;  // "low -> zoom", "tunnel: mid -> prompt.1.weight"
  int scene = -1;     // -1: the set's own mapping
  int index = 0;      // in that list
  double gain = 1;
};

struct SetView {
  std::string file;                      // where "Save set" writes
  std::vector<std::string> scenePrompts; // per scene, as a mix
  std::vector<MappingView> mappings;     // the set's own, then the active scene's
  bool unsaved = false;                  // edited in the panel since the last load or save
  std::string message;                   // the last edit's or save's outcome
};

// What the panel shows of the outputs and of recording and streaming.
struct OutputsView {
  std::string venueFile;  // where "Save venue" writes; empty: no --outputs file
  std::string venueMessage;
  bool canRecord = false;  // --record or a default name was given
  bool recording = false;
  std::string recordingFile;
  uint64_t recordedFrames = 0, droppedFrames = 0;  // dropped: the encoder fell behind
  std::string recordingMessage;  // the last outcome or error
  std::string stream;            // where the picture is streamed, and how it goes
};

struct PanelModel {
  audio::FeatureSnapshot features;
  bool audioLive = false;        // features are coming from a source now
  std::string audioSource;       // device or file name
  std::vector<std::string> sceneNames;
  int activeScene = -1;
  int pendingScene = -1;         // cued, waiting for its bar
  double generatedFps = 0;
  uint32_t pictureLatencyFrames = 0;  // frames the picture comes after its parameters (a sliding window)
  std::vector<StageTiming> stages;  // per-stage times of the generator (GPU ms)
  std::string status;            // one line, e.g. the last set error
  SetView set;                   // empty when the show has no editable set
  OutputsView outputs;           // venue outputs, recording, streaming
  ControlView control;           // OSC, MIDI, Link, A/V offset

  // Filled by the Presenter before drawing.
  PresenterStats presenter;
  std::vector<MonitorInfo> monitors;
};

}  // namespace afterimage::ui
