#include "engine/pipeline/set_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/nn/feature_bank.h"
#include "engine/nn/temporal_attention.h"
#include "engine/pipeline/name_suggestion.h"
#include "engine/pipeline/set_text_bounds.h"
#include "engine/text/prompt_mix.h"
#include "engine/system/backup_copies.h"
#include "engine/system/pending_file.h"

namespace afterimage::pipeline {
namespace {

// ---- names of the enumerations, as set files spell them ----

template <typename E>
struct EnumNames;
template <>
struct EnumNames<Curve> {
  static constexpr std::string_view what = "curve";
  static constexpr std::array<std::string_view, 4> names{"linear", "exp", "log", "smoothstep"};
};
template <>
struct EnumNames<Combine> {
  static constexpr std::string_view what = "combine mode";
  static constexpr std::array<std::string_view, 3> names{"add", "multiply", "replace"};
};
template <>
struct EnumNames<Wave> {
  static constexpr std::string_view what = "wave";
  static constexpr std::array<std::string_view, 4> names{"sine", "triangle", "saw", "square"};
};
template <>
struct EnumNames<TriggerEvent> {
  static constexpr std::string_view what = "event";
  static constexpr std::array<std::string_view, 9> names{"beat",  "bar",     "onset", "kick",     "snare",
                                                         "hat",   "buildup", "drop",  "breakdown"};
};
template <>
struct EnumNames<TriggerAction> {
  static constexpr std::string_view what = "action";
  static constexpr std::array<std::string_view, 4> names{"pulse", "seed", "next_scene", "scene"};
};

template <>
struct EnumNames<ControlVerb> {
  static constexpr std::string_view what = "action";
  static constexpr std::array<std::string_view, 6> names{"set", "cue", "next_scene", "tap", "blackout", "freeze"};
};
template <>
struct EnumNames<LinkMode> {
  static constexpr std::string_view what = "Link mode";
  static constexpr std::array<std::string_view, 3> names{"off", "follow", "lead"};
};

template <typename E>
std::string_view enumName(E value) {
  return EnumNames<E>::names[size_t(value)];
}

std::string typeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

// ---- reading ----

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void error(const toml::source_region& at, const std::string& field, const std::string& message) {
    errors_.push_back({at.begin.line, at.begin.column,
                       file_ + ":" + std::to_string(at.begin.line) + ":" + std::to_string(at.begin.column) + ": " +
                           field + ": " + message});
  }
  bool any() const { return !errors_.empty(); }
  void throwIfAny() {
    if (errors_.empty()) return;
    std::stable_sort(errors_.begin(), errors_.end(), [](const Located& a, const Located& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<std::string> messages;
    for (Located& e : errors_) messages.push_back(std::move(e.message));
    throw SetError(std::move(messages));
  }

 private:
  struct Located {
    uint32_t line, column;
    std::string message;
  };
  std::string file_;
  std::vector<Located> errors_;
};

// One table of the file: reads the keys it knows, then reports the others.
class TableReader {
 public:
  TableReader(Reader& reader, const toml::table& table, std::string path)
      : reader_(reader), table_(table), path_(std::move(path)) {}

  std::string field(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  const std::string& path() const { return path_; }
  Reader& reader() { return reader_; }

  const toml::node* get(std::string_view key) {
    known_.emplace_back(key);
    return table_.get(key);
  }
  bool has(std::string_view key) { return get(key) != nullptr; }

  void error(std::string_view key, const toml::node& at, const std::string& message) {
    reader_.error(at.source(), field(key), message);
  }
  void missing(std::string_view key, const std::string& what) {
    reader_.error(table_.source(), field(key), "missing (" + what + ")");
  }

  bool number(std::string_view key, double& out, double min = -std::numeric_limits<double>::infinity(),
              double max = std::numeric_limits<double>::infinity()) {
    const toml::node* node = get(key);
    if (!node) return false;
    return numberValue(key, *node, out, min, max);
  }
  bool numberValue(std::string_view key, const toml::node& node, double& out, double min, double max) {
    double value;
    if (auto i = node.as_integer()) value = double(i->get());
    else if (auto f = node.as_floating_point()) value = f->get();
    else return typeError(key, node, "a number"), false;
    if (!std::isfinite(value) || value < min || value > max) {
      error(key, node, "value " + formatNumber(value) + " out of range [" + formatNumber(min) + ", " + formatNumber(max) + "]");
      return false;
    }
    out = value;
    return true;
  }
  bool integer(std::string_view key, int& out, int min, int max) {
    const toml::node* node = get(key);
    if (!node) return false;
    auto i = node->as_integer();
    if (!i) return typeError(key, *node, "an integer"), false;
    if (i->get() < min || i->get() > max) {
      error(key, *node, "value " + std::to_string(i->get()) + " out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
      return false;
    }
    out = int(i->get());
    return true;
  }
  bool string(std::string_view key, std::string& out) {
    const toml::node* node = get(key);
    if (!node) return false;
    auto s = node->as_string();
    if (!s) return typeError(key, *node, "a string"), false;
    out = s->get();
    return true;
  }
  template <typename E>
  bool enumeration(std::string_view key, E& out) {
    std::string text;
    if (!string(key, text)) return false;
    const auto& names = EnumNames<E>::names;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == text) return out = E(i), true;
    }
    std::vector<std::string> all(names.begin(), names.end());
    std::string list;
    for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    error(key, *get(key), "unknown " + std::string(EnumNames<E>::what) + " '" + text + "'" + suggestion(text, all) +
                              "; one of " + list);
    return false;
  }
  // [low, high] with low < high.
  bool range(std::string_view key, double& low, double& high) {
    const toml::node* node = get(key);
    if (!node) return false;
    auto array = node->as_array();
    if (!array || array->size() != 2 || !isNumber((*array)[0]) || !isNumber((*array)[1])) {
      error(key, *node, "expected [low, high] (two numbers), found " + describe(*node));
      return false;
    }
    double a = number((*array)[0]), b = number((*array)[1]);
    if (!(a < b)) {
      error(key, *node, "low " + formatNumber(a) + " must be below high " + formatNumber(b));
      return false;
    }
    low = a, high = b;
    return true;
  }
  const toml::array* array(std::string_view key) {
    const toml::node* node = get(key);
    if (!node) return nullptr;
    auto a = node->as_array();
    if (!a) typeError(key, *node, "an array");
    return a;
  }
  const toml::table* table(std::string_view key) {
    const toml::node* node = get(key);
    if (!node) return nullptr;
    auto t = node->as_table();
    if (!t) typeError(key, *node, "a table");
    return t;
  }
  // Each element must be a table; calls each(table, index).
  void tables(std::string_view key, const std::function<void(const toml::table&, size_t)>& each) {
    const toml::array* a = array(key);
    if (!a) return;
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::table* t = (*a)[i].as_table();
      if (!t) {
        reader_.error((*a)[i].source(), field(key) + "[" + std::to_string(i) + "]", "expected a table, found " + describe((*a)[i]));
        continue;
      }
      each(*t, i);
    }
  }

  void finish() {
    for (auto&& [key, node] : table_) {
      if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) continue;
      reader_.error(key.source(), field(key.str()), "unknown key" + suggestion(key.str(), known_));
    }
  }

  static bool isNumber(const toml::node& node) { return node.is_integer() || node.is_floating_point(); }
  static double number(const toml::node& node) {
    if (auto i = node.as_integer()) return double(i->get());
    return node.as_floating_point()->get();
  }
  static std::string describe(const toml::node& node) {
    if (auto s = node.as_string()) return "'" + s->get() + "'";
    if (auto i = node.as_integer()) return std::to_string(i->get());
    if (auto f = node.as_floating_point()) return formatNumber(f->get());
    if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
    return typeName(node);
  }
  static std::string formatNumber(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
  }

 private:
  void typeError(std::string_view key, const toml::node& node, const std::string& expected) {
    error(key, node, "expected " + expected + ", found " + describe(node));
  }

  Reader& reader_;
  const toml::table& table_;
  std::string path_;
  std::vector<std::string> known_;
};

std::string indexed(const std::string& field, std::string_view name, size_t i) {
  return (field.empty() ? "" : field + ".") + std::string(name) + "[" + std::to_string(i) + "]";
}

bool readTarget(TableReader& t, std::string_view key, ParameterTarget& out, int promptsInScene) {
  std::string path;
  if (!t.string(key, path)) return false;
  auto target = parseParameterTarget(path);
  if (!target) {
    std::vector<std::string> names = parameterNames();
    t.error(key, *t.get(key), "unknown parameter '" + path + "'" + suggestion(path, names));
    return false;
  }
  // A set-level mapping may name a prompt only some scenes have; a scene's must fit the scene.
  if (target->parameter == Parameter::PromptWeight && target->prompt >= promptsInScene) {
    t.error(key, *t.get(key),
            "prompt " + std::to_string(target->prompt) + " does not exist (prompts count from 0; " +
                std::to_string(promptsInScene) + (promptsInScene == 1 ? " prompt" : " prompts") + ")");
    return false;
  }
  out = *target;
  return true;
}

Mapping readMapping(TableReader& t, int prompts) {
  Mapping m;
  std::string source;
  if (t.string("source", source)) {
    auto parsed = parseFeatureSource(source);
    if (!parsed) {
      std::vector<std::string> names = featureNames();
      t.error("source", *t.get("source"), "unknown feature '" + source + "'" + suggestion(source, names));
    } else if (parsed->feature == Feature::Mel && parsed->band >= audio::kMaxMelBands) {
      t.error("source", *t.get("source"),
              "mel band " + std::to_string(parsed->band) + " out of range [0, " + std::to_string(audio::kMaxMelBands - 1) + "]");
    } else {
      m.source = *parsed;
    }
  } else if (!t.has("source")) {
    t.missing("source", "the feature it reads, e.g. \"low\"");
  }
  if (!readTarget(t, "target", m.target, prompts) && !t.has("target"))
    t.missing("target", "the parameter it drives, e.g. \"zoom\"");
  t.range("input", m.inputMin, m.inputMax);
  t.number("attack", m.attack, 0, 60);
  t.number("release", m.release, 0, 60);
  t.enumeration("curve", m.curve);
  t.number("gain", m.gain);
  t.number("offset", m.offset);
  double low, high;
  if (t.range("clamp", low, high)) m.clampMin = low, m.clampMax = high;
  t.enumeration("combine", m.combine);
  t.finish();
  return m;
}

Lfo readLfo(TableReader& t, int prompts) {
  Lfo l;
  t.enumeration("wave", l.wave);
  t.number("period", l.period, 1.0 / 64, 1024);
  t.number("phase", l.phase, -1, 1);
  if (!t.number("depth", l.depth) && !t.has("depth")) t.missing("depth", "how far it swings the target");
  if (!readTarget(t, "target", l.target, prompts) && !t.has("target"))
    t.missing("target", "the parameter it drives, e.g. \"rotate\"");
  t.finish();
  return l;
}

// Scene indices are checked once all scenes are known: `sceneRef` gets the
// node to blame.
Trigger readTrigger(TableReader& t, int prompts, int sceneCount) {
  Trigger g;
  if (!t.enumeration("on", g.on) && !t.has("on")) t.missing("on", "\"beat\", \"bar\", \"onset\", \"kick\", \"snare\", \"hat\", \"buildup\", \"drop\" or \"breakdown\"");
  t.integer("every", g.every, 1, 1024);
  t.integer("offset", g.offset, 0, 1023);
  if (g.offset >= g.every) t.error("offset", *t.get("offset"), "must be below every (" + std::to_string(g.every) + ")");
  t.number("min_confidence", g.minConfidence, 0, 1);
  t.number("gate_db", g.gateDb, -120, 0);
  if (!t.enumeration("action", g.action) && !t.has("action"))
    t.missing("action", "\"pulse\", \"seed\", \"next_scene\" or \"scene\"");
  bool pulse = g.action == TriggerAction::Pulse, seed = g.action == TriggerAction::Seed;
  auto onlyFor = [&](std::string_view key, bool allowed, const char* actions) {
    if (!allowed && t.get(key)) t.error(key, *t.get(key), std::string("only for ") + actions);
  };
  onlyFor("target", pulse, "action = \"pulse\"");
  onlyFor("decay", pulse, "action = \"pulse\"");
  onlyFor("amount", pulse || seed, "action = \"pulse\" or \"seed\"");
  onlyFor("glide", seed, "action = \"seed\"");
  onlyFor("scene", g.action == TriggerAction::Scene, "action = \"scene\"");
  if (pulse) {
    if (!t.has("target")) g.target = ParameterTarget{Parameter::Strobe, -1};
    else readTarget(t, "target", g.target, prompts);
    t.number("decay", g.decay, 0.001, 60);
  }
  if (pulse || seed) t.number("amount", g.amount, seed ? 0 : -100, 100);
  if (seed) t.number("glide", g.glide, 0, 1024);
  if (g.action == TriggerAction::Scene) {
    if (!t.integer("scene", g.scene, 0, std::max(0, sceneCount - 1)) && !t.has("scene"))
      t.missing("scene", "the index of the scene it cuts to");
  }
  t.finish();
  return g;
}

template <typename T>
void readList(TableReader& parent, std::string_view key, std::vector<T>& out,
              const std::function<T(TableReader&)>& read) {
  parent.tables(key, [&](const toml::table& table, size_t i) {
    TableReader t(parent.reader(), table, indexed(parent.path(), key, i));
    out.push_back(read(t));
  });
}

void readBehaviour(TableReader& t, std::vector<Mapping>& mappings, std::vector<Lfo>& lfos, std::vector<Trigger>& triggers,
                   int prompts, int sceneCount) {
  readList<Mapping>(t, "mapping", mappings, [&](TableReader& r) { return readMapping(r, prompts); });
  readList<Lfo>(t, "lfo", lfos, [&](TableReader& r) { return readLfo(r, prompts); });
  readList<Trigger>(t, "trigger", triggers, [&](TableReader& r) { return readTrigger(r, prompts, sceneCount); });
}

void readPrompts(TableReader& t, Scene& scene) {
  const toml::node* mix = t.get("prompt");
  const toml::node* list = t.get("prompts");
  if (mix && list) t.error("prompts", *list, "give either prompt (a mix string) or prompts (a list), not both");
  if (mix) {
    std::string text;
    t.string("prompt", text);
    if (mix->is_string()) {
      try {
        const ParameterInfo& range = parameterInfo(Parameter::PromptWeight);
        for (auto& part : text::parsePromptMix(text)) {
          if (part.weight < range.min || part.weight > range.max)
            t.error("prompt", *mix, "'" + part.text + "': weight " + TableReader::formatNumber(part.weight) +
                                        " out of range [" + TableReader::formatNumber(range.min) + ", " +
                                        TableReader::formatNumber(range.max) + "]");
          scene.prompts.push_back({part.text, part.weight});
        }
      } catch (const text::PromptMixError& e) {
        t.error("prompt", *mix, e.what());
      }
    }
  } else if (list) {
    const toml::array* array = t.array("prompts");
    for (size_t i = 0; array && i < array->size(); ++i) {
      const toml::node& item = (*array)[i];
      std::string field = t.field("prompts") + "[" + std::to_string(i) + "]";
      if (auto s = item.as_string()) {
        scene.prompts.push_back({s->get(), 1.0});
      } else if (auto table = item.as_table()) {
        TableReader p(t.reader(), *table, field);
        ScenePrompt prompt;
        if (!p.string("text", prompt.text) && !p.has("text")) p.missing("text", "the prompt or style name");
        p.number("weight", prompt.weight, parameterInfo(Parameter::PromptWeight).min, parameterInfo(Parameter::PromptWeight).max);
        p.finish();
        scene.prompts.push_back(prompt);
      } else {
        t.reader().error(item.source(), field, "expected a string or { text = ..., weight = ... }, found " + TableReader::describe(item));
      }
    }
  } else {
    t.missing("prompt", "a prompt or style mix such as \"plasma:0.7, tunnel:0.3\", or prompts = [...]");
  }
  const toml::node* at = mix ? mix : list;
  for (const ScenePrompt& p : scene.prompts) {
    if (at && p.text.find_first_not_of(" \t") == std::string::npos) {
      t.error(mix ? "prompt" : "prompts", *at, "empty prompt");
      break;
    }
  }
}

void readSeeds(TableReader& t, Scene& scene) {
  const toml::node* one = t.get("seed");
  const toml::node* many = t.get("seeds");
  auto seedOf = [&](std::string_view key, const toml::node& node, uint64_t& out) {
    auto i = node.as_integer();
    if (!i || i->get() < 0) {
      t.reader().error(node.source(), t.field(key), "expected a seed (an integer >= 0), found " + TableReader::describe(node));
      return false;
    }
    out = uint64_t(i->get());
    return true;
  };
  if (one && many) t.error("seeds", *many, "give either seed or seeds, not both");
  if (one) {
    uint64_t seed;
    if (seedOf("seed", *one, seed)) scene.seeds = {seed};
  } else if (many) {
    const toml::array* array = t.array("seeds");
    if (!array) return;
    if (array->empty()) return t.error("seeds", *many, "needs at least one seed");
    std::vector<uint64_t> seeds;
    for (const toml::node& node : *array) {
      uint64_t seed;
      if (seedOf("seeds", node, seed)) seeds.push_back(seed);
    }
    if (seeds.size() == array->size()) scene.seeds = seeds;
  }
}

void readParams(TableReader& t, Scene& scene) {
  const toml::table* table = t.table("params");
  if (!table) return;
  TableReader p(t.reader(), *table, t.field("params"));
  for (int i = 0; i < kParameterCount; ++i) {
    Parameter parameter = Parameter(i);
    if (parameter == Parameter::PromptWeight) continue;
    const ParameterInfo& info = parameterInfo(parameter);
    const toml::node* node = p.get(info.name);
    if (parameter == Parameter::Blackout && node && node->is_boolean()) {
      scene.params[size_t(i)] = node->as_boolean()->get() ? 1.0 : 0.0;
      continue;
    }
    p.number(info.name, scene.params[size_t(i)], info.min, info.max);
  }
  p.finish();
}

Scene readScene(TableReader& t, size_t index, int sceneCount) {
  Scene scene;
  scene.name = "scene " + std::to_string(index);
  t.string("name", scene.name);
  readPrompts(t, scene);
  readSeeds(t, scene);
  readParams(t, scene);
  readBehaviour(t, scene.mappings, scene.lfos, scene.triggers, int(scene.prompts.size()), sceneCount);
  t.finish();
  return scene;
}

void readSequence(TableReader& t, Sequence& sequence, int sceneCount) {
  t.integer("bars", sequence.bars, 0, 4096);
  if (const toml::array* scenes = t.array("scenes")) {
    for (const toml::node& node : *scenes) {
      auto i = node.as_integer();
      if (!i || i->get() < 0 || i->get() >= sceneCount) {
        t.reader().error(node.source(), t.field("scenes"),
                         "expected a scene index in [0, " + std::to_string(sceneCount - 1) + "], found " +
                             (i ? std::to_string(i->get()) : TableReader::describe(node)));
        continue;
      }
      sequence.scenes.push_back(int(i->get()));
    }
  }
  if (sequence.bars > 0 && sequence.scenes.empty()) t.missing("scenes", "the scene indices to cycle through");
  t.finish();
}

// ---- control: [control], [[midi]] ----

void readStrings(TableReader& t, std::string_view key, std::vector<std::string>& out,
                 const std::function<std::string(const std::string&)>& problem) {
  const toml::array* list = t.array(key);
  if (!list) return;
  for (const toml::node& node : *list) {
    auto text = node.as_string();
    std::string why = text ? problem(text->get()) : "expected a string, found " + TableReader::describe(node);
    if (!why.empty()) t.reader().error(node.source(), t.field(key), why);
    else out.push_back(text->get());
  }
}

void readControl(TableReader& t, ControlSettings& c) {
  t.integer("osc_port", c.oscPort, 0, 65535);
  readStrings(t, "osc_send", c.oscSend, [](const std::string& target) -> std::string {
    return splitHostPort(target) ? "" : "'" + target + "' is not host:port (e.g. \"127.0.0.1:9001\")";
  });
  readStrings(t, "midi_inputs", c.midiInputs,
              [](const std::string& name) { return name.empty() ? std::string("an empty device name") : ""; });
  if (const toml::node* clock = t.get("midi_clock")) {
    if (auto b = clock->as_boolean()) c.midiClock = b->get();
    else t.error("midi_clock", *clock, "expected true or false, found " + TableReader::describe(*clock));
  }
  t.enumeration("link", c.link);
  t.finish();
}

MidiBinding readMidiBinding(TableReader& t, int prompts, int sceneCount) {
  MidiBinding b;
  bool cc = t.integer("cc", b.number, 0, 127), note = t.integer("note", b.number, 0, 127);
  if (t.has("cc") && t.has("note")) t.error("note", *t.get("note"), "give cc or note, not both");
  else if (!cc && !note && !t.has("cc") && !t.has("note")) t.missing("cc", "the controller number, or note = N");
  if (t.has("note")) b.message = MidiBinding::Message::Note;
  t.integer("channel", b.channel, 1, 16);
  t.string("device", b.device);
  bool target = t.has("target"), action = t.has("action");
  if (target && action) t.error("action", *t.get("action"), "give target or action, not both");
  else if (!target && !action) t.missing("target", "the parameter it sets, e.g. \"strength\", or action = \"tap\"");
  if (target) readTarget(t, "target", b.target, prompts);
  if (action && t.enumeration("action", b.verb) && b.verb == ControlVerb::SetParameter)
    t.error("action", *t.get("action"), "a parameter is set with target = \"NAME\"");
  if (!target && t.has("range")) t.error("range", *t.get("range"), "only with target");
  double low, high;
  if (target && t.range("range", low, high)) b.low = low, b.high = high;
  t.enumeration("curve", b.curve);
  if (t.has("scene") && b.verb != ControlVerb::Cue) t.error("scene", *t.get("scene"), "only for action = \"cue\"");
  if (b.verb == ControlVerb::Cue && !t.integer("scene", b.scene, 0, std::max(0, sceneCount - 1)) && !t.has("scene"))
    t.missing("scene", "the index of the scene it cues");
  t.finish();
  return b;
}

Set readSet(const toml::table& root, Reader& reader, const std::filesystem::path& file) {
  Set set;
  set.file = file;
  set.name = file.stem().string();
  TableReader t(reader, root, "");
  const toml::array* scenes = t.array("scene");
  int sceneCount = scenes ? int(scenes->size()) : 0;
  if (!t.get("scene")) t.missing("scene", "at least one [[scene]]");
  else if (scenes && scenes->empty()) t.error("scene", *t.get("scene"), "needs at least one scene");
  t.tables("scene", [&](const toml::table& table, size_t i) {
    TableReader s(reader, table, indexed("", "scene", i));
    set.scenes.push_back(readScene(s, i, sceneCount));
  });

  t.string("name", set.name);
  t.string("model", set.model);
  if (const toml::node* size = t.get("size")) {
    auto array = size->as_array();
    bool ok = array && array->size() == 2 && (*array)[0].is_integer() && (*array)[1].is_integer();
    if (!ok) {
      t.error("size", *size, "expected [width, height] (two integers), found " + TableReader::describe(*size));
    } else {
      int64_t w = (*array)[0].as_integer()->get(), h = (*array)[1].as_integer()->get();
      if (w < 64 || h < 64 || w > 4096 || h > 4096 || w % 8 || h % 8)
        t.error("size", *size, std::to_string(w) + "x" + std::to_string(h) + ": each side must be a multiple of 8 in [64, 4096]");
      else set.width = int(w), set.height = int(h);
    }
  }
  t.number("fps", set.fps, 1, 240);
  t.integer("steps", set.steps, 1, int(models::kMaxSamplerSteps));
  t.integer("temporal_window", set.temporalWindow, 0, int(nn::kTemporalAttentionMaxFrames));
  t.integer("temporal_bank_frames", set.temporalBankFrames, 0, int(nn::kFeatureBankMaxFrames));
  t.integer("temporal_lookahead", set.temporalLookahead, 0, int(nn::kTemporalAttentionMaxFrames) - 1);
  if (const toml::node* lookahead = t.get("temporal_lookahead"); lookahead && set.temporalLookahead > 0) {
    if (set.temporalLookahead >= set.temporalWindow)
      t.error("temporal_lookahead", *lookahead,
              std::to_string(set.temporalLookahead) + " frames: a sliding window must hold them and the frame "
              "shown, so temporal_window must be at least " + std::to_string(set.temporalLookahead + 1));
    else if (set.temporalBankFrames > 0)
      t.error("temporal_lookahead", *lookahead,
              "a sliding temporal window and a feature bank (temporal_bank_frames) do not go together");
  }
  t.number("bpm", set.bpm, 20, 400);
  if (const toml::table* sequence = t.table("sequence")) {
    TableReader s(reader, *sequence, "sequence");
    readSequence(s, set.sequence, sceneCount);
  }
  int mostPrompts = 0;
  for (const Scene& scene : set.scenes) mostPrompts = std::max(mostPrompts, int(scene.prompts.size()));
  readBehaviour(t, set.mappings, set.lfos, set.triggers, mostPrompts, sceneCount);
  t.number("av_offset_ms", set.control.avOffsetMs, -2000, 2000);
  if (const toml::table* control = t.table("control")) {
    TableReader c(reader, *control, "control");
    readControl(c, set.control);
  }
  readList<MidiBinding>(t, "midi", set.midi, [&](TableReader& r) { return readMidiBinding(r, mostPrompts, sceneCount); });
  t.finish();
  return set;
}

// ---- against the model ----

// The node a field path ("scene[2].prompt", "size") names in the file, or
// the nearest enclosing one there (a default the file does not spell out).
const toml::node& locate(const toml::table& root, const std::string& field) {
  const toml::node* at = &root;
  std::string_view rest = field;
  while (!rest.empty()) {
    size_t dot = rest.find('.');
    std::string_view segment = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    size_t bracket = segment.find('[');
    std::string_view name = segment.substr(0, bracket);
    const toml::table* table = at->as_table();
    const toml::node* next = table ? table->get(name) : nullptr;
    if (!next && table && name == "prompt") next = table->get("prompts");  // a list in place of a mix
    if (!next) break;
    at = next;
    if (bracket != std::string_view::npos) {
      size_t index = std::stoul(std::string(segment.substr(bracket + 1)));
      const toml::array* array = at->as_array();
      if (!array || index >= array->size()) break;
      at = array->get(index);
    }
  }
  return *at;
}

// toml++ gives the root table no position; its mistakes belong at the top.
toml::source_region regionOf(const toml::node& node) {
  toml::source_region region = node.source();
  if (region.begin.line == 0) region.begin = {1, 1};
  return region;
}

void checkOnModel(const toml::table& root, Reader& reader, const Set& set, const ModelLimitsFor& limitsFor) {
  ModelLimits limits;
  try {
    limits = limitsFor(set);
  } catch (const std::exception& e) {
    reader.error(regionOf(locate(root, "model")), "model", "cannot check the set against its model: " + std::string(e.what()));
    return;
  }
  for (const SetProblem& problem : checkSetOnModel(set, limits))
    reader.error(regionOf(locate(root, problem.field)), problem.field, problem.message);
}

// ---- writing ----

std::string tomlString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04X", u);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// The shortest text that reads back as the same double.
std::string number(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

class Writer {
 public:
  void line(const std::string& text = "") { out_ << text << "\n"; }
  void key(std::string_view key, const std::string& value) { out_ << key << " = " << value << "\n"; }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

std::string pair(double a, double b) { return "[" + number(a) + ", " + number(b) + "]"; }

void writeMapping(Writer& w, const std::string& header, const Mapping& m) {
  const Mapping d;
  w.line(header);
  w.key("source", tomlString(formatFeatureSource(m.source)));
  w.key("target", tomlString(formatParameterTarget(m.target)));
  if (m.inputMin != d.inputMin || m.inputMax != d.inputMax) w.key("input", pair(m.inputMin, m.inputMax));
  if (m.attack != d.attack) w.key("attack", number(m.attack));
  if (m.release != d.release) w.key("release", number(m.release));
  if (m.curve != d.curve) w.key("curve", tomlString(enumName(m.curve)));
  if (m.gain != d.gain) w.key("gain", number(m.gain));
  if (m.offset != d.offset) w.key("offset", number(m.offset));
  if (m.clampMin) w.key("clamp", pair(*m.clampMin, *m.clampMax));
  if (m.combine != d.combine) w.key("combine", tomlString(enumName(m.combine)));
  w.line();
}

void writeLfo(Writer& w, const std::string& header, const Lfo& l) {
  const Lfo d;
  w.line(header);
  w.key("target", tomlString(formatParameterTarget(l.target)));
  if (l.wave != d.wave) w.key("wave", tomlString(enumName(l.wave)));
  w.key("period", number(l.period));
  if (l.phase != d.phase) w.key("phase", number(l.phase));
  w.key("depth", number(l.depth));
  w.line();
}

void writeTrigger(Writer& w, const std::string& header, const Trigger& g) {
  const Trigger d;
  w.line(header);
  w.key("on", tomlString(enumName(g.on)));
  if (g.every != d.every) w.key("every", std::to_string(g.every));
  if (g.offset != d.offset) w.key("offset", std::to_string(g.offset));
  if (g.minConfidence != d.minConfidence) w.key("min_confidence", number(g.minConfidence));
  if (g.gateDb != d.gateDb) w.key("gate_db", number(g.gateDb));
  w.key("action", tomlString(enumName(g.action)));
  if (g.action == TriggerAction::Pulse) {
    w.key("target", tomlString(formatParameterTarget(g.target)));
    w.key("amount", number(g.amount));
    w.key("decay", number(g.decay));
  } else if (g.action == TriggerAction::Seed) {
    w.key("amount", number(g.amount));
    w.key("glide", number(g.glide));
  } else if (g.action == TriggerAction::Scene) {
    w.key("scene", std::to_string(g.scene));
  }
  w.line();
}

void writeBehaviour(Writer& w, const std::string& prefix, const std::vector<Mapping>& mappings,
                    const std::vector<Lfo>& lfos, const std::vector<Trigger>& triggers) {
  for (const Mapping& m : mappings) writeMapping(w, "[[" + prefix + "mapping]]", m);
  for (const Lfo& l : lfos) writeLfo(w, "[[" + prefix + "lfo]]", l);
  for (const Trigger& g : triggers) writeTrigger(w, "[[" + prefix + "trigger]]", g);
}

std::string stringList(const std::vector<std::string>& items) {
  std::string list;
  for (const std::string& item : items) list += (list.empty() ? "" : ", ") + tomlString(item);
  return "[" + list + "]";
}

void writeControl(Writer& w, const ControlSettings& c) {
  const ControlSettings d{.avOffsetMs = c.avOffsetMs};  // written at the top of the file
  if (c == d) return;
  w.line("[control]");
  if (c.oscPort != d.oscPort) w.key("osc_port", std::to_string(c.oscPort));
  if (!c.oscSend.empty()) w.key("osc_send", stringList(c.oscSend));
  if (!c.midiInputs.empty()) w.key("midi_inputs", stringList(c.midiInputs));
  if (c.midiClock) w.key("midi_clock", "true");
  if (c.link != d.link) w.key("link", tomlString(enumName(c.link)));
  w.line();
}

void writeMidiBinding(Writer& w, const MidiBinding& b) {
  w.line("[[midi]]");
  w.key(b.message == MidiBinding::Message::Note ? "note" : "cc", std::to_string(b.number));
  if (b.channel) w.key("channel", std::to_string(b.channel));
  if (!b.device.empty()) w.key("device", tomlString(b.device));
  if (b.verb == ControlVerb::SetParameter) {
    w.key("target", tomlString(formatParameterTarget(b.target)));
    if (b.low) w.key("range", pair(*b.low, *b.high));
  } else {
    w.key("action", tomlString(enumName(b.verb)));
    if (b.verb == ControlVerb::Cue) w.key("scene", std::to_string(b.scene));
  }
  if (b.curve != Curve::Linear) w.key("curve", tomlString(enumName(b.curve)));
  w.line();
}

// A mix string when it reads back as the same prompts, else a list.
std::string prompts(const std::vector<ScenePrompt>& prompts, bool& asMix) {
  std::string mix;
  for (const ScenePrompt& p : prompts) mix += (mix.empty() ? "" : ", ") + p.text + ":" + number(p.weight);
  try {
    auto parsed = text::parsePromptMix(mix);
    bool same = parsed.size() == prompts.size();
    for (size_t i = 0; same && i < parsed.size(); ++i)
      same = parsed[i].text == prompts[i].text && double(parsed[i].weight) == prompts[i].weight;
    if (same) return asMix = true, tomlString(mix);
  } catch (const text::PromptMixError&) {
  }
  asMix = false;
  std::string list = "[\n";
  for (const ScenePrompt& p : prompts) list += "  { text = " + tomlString(p.text) + ", weight = " + number(p.weight) + " },\n";
  return list + "]";
}

void writeScene(Writer& w, const Scene& scene) {
  w.line("[[scene]]");
  w.key("name", tomlString(scene.name));
  bool asMix = false;
  std::string text = prompts(scene.prompts, asMix);
  w.key(asMix ? "prompt" : "prompts", text);
  if (scene.seeds.size() == 1) {
    w.key("seed", std::to_string(scene.seeds[0]));
  } else {
    std::string list;
    for (uint64_t s : scene.seeds) list += (list.empty() ? "" : ", ") + std::to_string(s);
    w.key("seeds", "[" + list + "]");
  }
  w.line();
  ParameterValues defaults = defaultParameterValues();
  bool header = false;
  for (int i = 0; i < kParameterCount; ++i) {
    if (Parameter(i) == Parameter::PromptWeight || scene.params[size_t(i)] == defaults[size_t(i)]) continue;
    if (!header) w.line("[scene.params]"), header = true;
    w.key(parameterInfo(Parameter(i)).name, number(scene.params[size_t(i)]));
  }
  if (header) w.line();
  writeBehaviour(w, "scene.", scene.mappings, scene.lfos, scene.triggers);
}

}  // namespace

SetError::SetError(std::vector<std::string> messages)
    : std::runtime_error([&] {
        std::string all;
        for (const std::string& m : messages) all += (all.empty() ? "" : "\n") + m;
        return all;
      }()),
      messages_(std::move(messages)) {}

Set parseSet(std::string_view text, const std::filesystem::path& file, const ModelLimitsFor& limitsFor) {
  if (auto problem = checkSetTextBounds(text)) {
    std::string at = problem->line ? ":" + std::to_string(problem->line) + ":" + std::to_string(problem->column) : "";
    throw SetError({file.string() + at + ": " + problem->message});
  }
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw SetError({file.string() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                    ": TOML syntax: " + std::string(e.description())});
  }
  Reader reader(file.string());
  Set set = readSet(root, reader, file);
  // Against the model only once the file itself reads: a mistyped key
  // would otherwise also show up as the model's problems.
  if (limitsFor && !reader.any()) checkOnModel(root, reader, set, limitsFor);
  reader.throwIfAny();
  return set;
}

namespace {

// The whole of a regular file, or a SetError: directories, FIFOs and devices
// are refused before reading (a FIFO would block a hot reload forever), and
// so is a file over the set size bound (it is not read into memory).
std::string readSetText(const std::filesystem::path& file) {
  auto fail = [&](const std::string& why) { return SetError({file.string() + ": " + why}); };
  int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw fail("cannot read the set file (" + std::string(std::strerror(errno)) + ")");
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw fail("cannot read the set file (" + std::string(std::strerror(errno)) + ")");
  if (S_ISDIR(info.st_mode)) throw fail("is a directory, not a set file");
  if (!S_ISREG(info.st_mode)) throw fail("is not a regular file (a FIFO, socket or device); a set is a .toml file");
  if (size_t(info.st_size) > kMaxSetFileBytes)
    throw fail("the set is " + std::to_string(info.st_size) + " bytes; a set file may have at most " +
               std::to_string(kMaxSetFileBytes) + " (1 MiB)");
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail("cannot read the set file (" + std::string(std::strerror(errno)) + ")");
    if (n == 0) break;
    text.append(buffer, size_t(n));
    // Grown since fstat: parseSet refuses it by its length.
    if (text.size() > kMaxSetFileBytes) break;
  }
  return text;
}

}  // namespace

Set loadSet(const std::filesystem::path& file, const ModelLimitsFor& limitsFor) {
  return parseSet(readSetText(file), file, limitsFor);
}

std::string formatSet(const Set& set, const std::filesystem::path& file) {
  std::string model = set.model;
  if (!set.usesDefaultModel() && !std::filesystem::path(model).is_absolute() && !set.file.empty()) {
    auto from = std::filesystem::absolute(file).parent_path().lexically_normal();
    auto was = std::filesystem::absolute(set.file).parent_path().lexically_normal();
    if (from != was) {
      auto folder = std::filesystem::absolute(set.modelFolder()).lexically_normal();
      auto relative = folder.lexically_relative(from);
      model = relative.empty() ? folder.string() : relative.generic_string();
    }
  }
  Writer w;
  w.line("# Afterimage set (format: sets/README.md)");
  w.key("name", tomlString(set.name));
  w.key("model", tomlString(model));
  w.key("size", "[" + std::to_string(set.width) + ", " + std::to_string(set.height) + "]");
  w.key("fps", number(set.fps));
  w.key("steps", std::to_string(set.steps));
  if (set.temporalWindow) w.key("temporal_window", std::to_string(set.temporalWindow));
  if (set.temporalLookahead) w.key("temporal_lookahead", std::to_string(set.temporalLookahead));
  if (set.temporalBankFrames) w.key("temporal_bank_frames", std::to_string(set.temporalBankFrames));
  w.key("bpm", number(set.bpm));
  if (set.control.avOffsetMs != 0) w.key("av_offset_ms", number(set.control.avOffsetMs));
  w.line();
  writeControl(w, set.control);
  if (set.sequence.bars > 0 || !set.sequence.scenes.empty()) {
    w.line("[sequence]");
    w.key("bars", std::to_string(set.sequence.bars));
    std::string list;
    for (int s : set.sequence.scenes) list += (list.empty() ? "" : ", ") + std::to_string(s);
    w.key("scenes", "[" + list + "]");
    w.line();
  }
  writeBehaviour(w, "", set.mappings, set.lfos, set.triggers);
  for (const MidiBinding& b : set.midi) writeMidiBinding(w, b);
  for (const Scene& scene : set.scenes) writeScene(w, scene);
  return w.str();
}

namespace {

// True when `file` holds text saveSet did not write: comments, its own
// layout, or a set that does not parse.
bool writtenByHand(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream existing;
  existing << in.rdbuf();
  try {
    return formatSet(parseSet(existing.str(), file), file) != existing.str();
  } catch (const SetError&) {
    return true;
  }
}

}  // namespace

void saveSet(const Set& set, const std::filesystem::path& file) {
  std::string text = formatSet(set, file);
  // A link stays a link: the file it points to is the one rewritten.
  system::PendingFile pending(file);
  // Saving rewrites the file in the set format; a hand-written one (its
  // comments) is kept beside it first, as a new numbered copy each time,
  // so a second save after another hand edit keeps both originals. A file
  // saveSet wrote itself holds nothing the set does not: no copy.
  std::error_code missing;
  if (std::filesystem::is_regular_file(pending.destination(), missing) && writtenByHand(file)) {
    try {
      system::keepBackup(pending.destination());
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string(e.what()) + "; the hand-written set is not overwritten");
    }
  }
  pending.write(text);
  pending.commit();
}

}  // namespace afterimage::pipeline
