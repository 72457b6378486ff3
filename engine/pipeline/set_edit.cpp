#include "engine/pipeline/set_edit.h"

#include <algorithm>
#include <charconv>

#include "engine/pipeline/set_file.h"
#include "engine/text/prompt_mix.h"

namespace afterimage::pipeline {
namespace {

std::string where(const Set& set) { return set.file.empty() ? std::string("set") : set.file.string(); }

// The file format's validation is the one judge of a set: the edit must
// survive formatting and parsing unchanged.
Set validated(Set edited) {
  std::filesystem::path file = edited.file.empty() ? std::filesystem::path("edited.toml") : edited.file;
  Set again;
  try {
    again = parseSet(formatSet(edited, file), file);
  } catch (const SetError& e) {
    std::vector<std::string> messages;
    for (const auto& m : e.messages()) {
      // Lines of the formatted text mean nothing to the operator: keep the field and the reason.
      auto colon = m.find(": ", m.find(file.string()) == 0 ? file.string().size() : 0);
      messages.push_back(where(edited) + ": the edit cannot be made: " +
                         (colon == std::string::npos ? m : m.substr(colon + 2)));
    }
    throw SetError(messages);
  }
  again.file = edited.file;
  return again;
}

std::string weightText(double weight) {
  // Mix weights are read as floats: a float-exact weight is written the
  // short way ("0.7"), any other with every digit.
  char buffer[64];
  auto narrow = float(weight);
  auto [end, error] = double(narrow) == weight ? std::to_chars(buffer, buffer + sizeof buffer, narrow)
                                               : std::to_chars(buffer, buffer + sizeof buffer, weight);
  return std::string(buffer, end);
}

}  // namespace

Set withMappingGain(const Set& set, int scene, int mapping, double gain) {
  Set edited = set;
  if (scene < -1 || scene >= int(set.scenes.size()))
    throw SetError({where(set) + ": no scene " + std::to_string(scene) + " (the set has " +
                    std::to_string(set.scenes.size()) + ")"});
  auto& mappings = scene < 0 ? edited.mappings : edited.scenes[size_t(scene)].mappings;
  if (mapping < 0 || mapping >= int(mappings.size()))
    throw SetError({where(set) + ": no mapping " + std::to_string(mapping) + " in " +
                    (scene < 0 ? std::string("the set") : "scene \"" + set.scenes[size_t(scene)].name + "\"")});
  mappings[size_t(mapping)].gain = gain;
  return validated(std::move(edited));
}

Set withSceneParameters(const Set& set, int scene, std::span<const ParameterValue> values) {
  if (scene < 0 || scene >= int(set.scenes.size()))
    throw SetError({where(set) + ": no scene " + std::to_string(scene) + " (the set has " +
                    std::to_string(set.scenes.size()) + ")"});
  Set edited = set;
  Scene& target = edited.scenes[size_t(scene)];
  for (const ParameterValue& v : values) {
    const ParameterInfo& info = parameterInfo(v.target.parameter);
    double value = std::clamp(v.value, info.min, info.max);
    if (v.target.parameter != Parameter::PromptWeight) {
      target.params[size_t(v.target.parameter)] = value;
    } else if (v.target.prompt >= 0 && v.target.prompt < int(target.prompts.size())) {
      target.prompts[size_t(v.target.prompt)].weight = value;
    } else {
      throw SetError({where(set) + ": scene \"" + target.name + "\" has no prompt " +
                      std::to_string(v.target.prompt) + " (prompts count from 0)"});
    }
  }
  return validated(std::move(edited));
}

Set withAvOffset(const Set& set, double milliseconds) {
  Set edited = set;
  edited.control.avOffsetMs = milliseconds;
  return validated(std::move(edited));
}

Set withMidiBinding(const Set& set, const MidiBinding& binding) {
  Set edited = set;
  auto same = [&](const MidiBinding& b) {
    return b.message == binding.message && b.number == binding.number && b.channel == binding.channel &&
           b.device == binding.device;
  };
  std::erase_if(edited.midi, same);
  edited.midi.push_back(binding);
  return validated(std::move(edited));
}

Set withScenePrompts(const Set& set, int scene, std::string_view mix) {
  if (scene < 0 || scene >= int(set.scenes.size()))
    throw SetError({where(set) + ": no scene " + std::to_string(scene) + " (the set has " +
                    std::to_string(set.scenes.size()) + ")"});
  Set edited = set;
  Scene& target = edited.scenes[size_t(scene)];
  std::vector<ScenePrompt> prompts;
  try {
    for (const auto& part : text::parsePromptMix(mix)) prompts.push_back({part.text, double(part.weight)});
  } catch (const text::PromptMixError& e) {
    throw SetError({where(set) + ": scene \"" + target.name + "\": prompt: " + e.what()});
  }
  for (size_t i = 0; i < prompts.size() && i < target.prompts.size(); ++i) {
    const ScenePrompt& before = target.prompts[i];
    if (prompts[i].text == before.text && float(prompts[i].weight) == float(before.weight))
      prompts[i].weight = before.weight;
  }
  target.prompts = std::move(prompts);
  return validated(std::move(edited));
}

std::string scenePromptMix(const Scene& scene) {
  std::string mix;
  for (const ScenePrompt& p : scene.prompts) mix += (mix.empty() ? "" : ", ") + p.text + ":" + weightText(p.weight);
  return mix;
}

std::string describeMapping(const Mapping& mapping) {
  return formatFeatureSource(mapping.source) + " -> " + formatParameterTarget(mapping.target);
}

}  // namespace afterimage::pipeline
