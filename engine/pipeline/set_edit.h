// The control panel's edits of a set: each takes the set as it is and
// returns the edited copy, checked by the set file's own validation (the
// edited set is one that saves and loads back equal), or throws SetError
// saying why the edit cannot be made. Live mode applies the panel's edits
// through these, hands the result to the conductor, and saves it on request.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "engine/pipeline/set.h"

namespace afterimage::pipeline {

// The gain of mapping `mapping` of scene `scene`, or of the set's own
// mappings when scene is -1.
Set withMappingGain(const Set& set, int scene, int mapping, double gain);

// The base values of scene `scene`'s parameters (OSC, MIDI): each value
// clamped to its parameter's range; a prompt weight the scene lacks throws.
struct ParameterValue {
  ParameterTarget target;
  double value = 0;
};
Set withSceneParameters(const Set& set, int scene, std::span<const ParameterValue> values);

// The set's av_offset_ms.
Set withAvOffset(const Set& set, double milliseconds);

// Adds a [[midi]] binding (MIDI learn); one for the same message, channel
// and device is replaced.
Set withMidiBinding(const Set& set, const MidiBinding& binding);

// A scene's prompts (or style names) from a mix string, "plasma:0.7,
// tunnel:0.3" as set files write them. A part whose text and weight read
// as before keeps its weight exactly.
Set withScenePrompts(const Set& set, int scene, std::string_view mix);

// A scene's prompts as the mix string the panel edits; its weights read
// back as the same numbers through withScenePrompts.
std::string scenePromptMix(const Scene& scene);

// "low -> zoom", the panel's name for a mapping.
std::string describeMapping(const Mapping& mapping);

}  // namespace afterimage::pipeline
