// A set: what a show looks like and how it moves with the music. Loaded
// from sets/*.toml (set_file.h), edited by the control panel, evaluated
// each frame by the Conductor. Plain data: every field is what the file
// says (doubles, so a saved set reads back equal).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/pipeline/control_settings.h"
#include "engine/pipeline/feature_source.h"
#include "engine/pipeline/parameter.h"

namespace afterimage::pipeline {

enum class Combine { Add, Multiply, Replace };
enum class Wave { Sine, Triangle, Saw, Square };
enum class TriggerEvent { Beat, Bar, Onset, Kick, Snare, Hat, Buildup, Drop, Breakdown };
enum class TriggerAction { Pulse, Seed, NextScene, Scene };

// feature -> [input range -> 0..1] -> attack/release -> curve -> gain, offset
// -> clamp -> combined with the target's value.
struct Mapping {
  FeatureSource source;
  ParameterTarget target;
  double inputMin = 0, inputMax = 1;
  double attack = 0, release = 0;  // seconds; 0: follows at once
  Curve curve = Curve::Linear;
  double gain = 1, offset = 0;
  std::optional<double> clampMin, clampMax;
  Combine combine = Combine::Add;

  bool operator==(const Mapping&) const = default;
};

// Adds depth * wave(beats / period + phase) (a wave in [-1, 1]) to the
// target. Beats count from a downbeat, so a 4-beat LFO starts each bar.
struct Lfo {
  Wave wave = Wave::Sine;
  double period = 4;  // beats
  double phase = 0;   // in periods
  double depth = 0;
  ParameterTarget target;

  bool operator==(const Lfo&) const = default;
};

struct Trigger {
  TriggerEvent on = TriggerEvent::Beat;
  int every = 1, offset = 0;  // fires on events whose count % every == offset
  double minConfidence = 0;   // beat and bar: the beat clock must be at least this sure
  double gateDb = -60;        // not below this level (rms_db): no flashes in silence
  TriggerAction action = TriggerAction::Pulse;
  ParameterTarget target{Parameter::Strobe, -1};  // Pulse
  double amount = 1;    // Pulse: added at the event; Seed: seeds to advance
  double decay = 0.1;   // Pulse: seconds (time constant of the fall)
  double glide = 1;     // Seed: beats to walk to the new seed
  int scene = 0;        // Scene

  bool operator==(const Trigger&) const = default;
};

struct ScenePrompt {
  std::string text;  // a prompt, or a style name for style-token models
  double weight = 1;

  bool operator==(const ScenePrompt&) const = default;
};

struct Scene {
  std::string name;
  std::vector<ScenePrompt> prompts;
  // The noise walks through these; one seed s walks s, s+1, s+2...
  std::vector<uint64_t> seeds{0};
  ParameterValues params = defaultParameterValues();
  // In force while the scene is on, after the set's own.
  std::vector<Mapping> mappings;
  std::vector<Lfo> lfos;
  std::vector<Trigger> triggers;

  bool operator==(const Scene&) const = default;
};

// Automatic scene changes: scenes[i] for `bars` bars each, in a loop.
struct Sequence {
  int bars = 0;  // 0: no automatic changes (cues and triggers only)
  std::vector<int> scenes;

  bool operator==(const Sequence&) const = default;
};

struct Set {
  std::string name;
  // "default" (the project's own model) or a folder, relative to the set
  // file's folder unless absolute.
  std::string model = "default";
  int width = 512, height = 512;
  double fps = 30;  // a hint for live mode; render takes --fps
  int steps = 1;    // denoising steps per frame
  int temporalWindow = 0;  // frames the model's temporal layers attend over; 0 or 1: off
  int temporalLookahead = 0;  // 0: the window streams causally; L: it slides, the picture L frames late
  int temporalBankFrames = 0;  // frames the feature bank keeps for the UNet's self-attention; 0: no bank
  double bpm = 120; // the tempo LFOs and beat triggers follow while the beat clock has none
  std::vector<Scene> scenes;
  Sequence sequence;
  std::vector<Mapping> mappings;
  std::vector<Lfo> lfos;
  std::vector<Trigger> triggers;
  ControlSettings control;          // [control] and av_offset_ms
  std::vector<MidiBinding> midi;    // [[midi]]

  // Where it was loaded from (not part of its content).
  std::filesystem::path file;

  bool usesDefaultModel() const { return model == "default"; }
  // The model folder, resolved against the set file's folder; empty for the default model.
  std::filesystem::path modelFolder() const;

  // Equal content: the same show (the file it came from aside, and the
  // model compared by the folder it resolves to).
  bool operator==(const Set& other) const;
};

}  // namespace afterimage::pipeline
