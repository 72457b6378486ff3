#include "engine/pipeline/set.h"

#include <charconv>
#include <tuple>

namespace afterimage::pipeline {

std::filesystem::path Set::modelFolder() const {
  if (usesDefaultModel()) return {};
  std::filesystem::path folder(model);
  if (folder.is_absolute() || file.empty()) return folder.lexically_normal();
  return (file.parent_path() / folder).lexically_normal();
}

std::optional<HostPort> splitHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view port = text.substr(colon + 1);
  int number = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) return std::nullopt;
  return HostPort{std::string(text.substr(0, colon)), std::string(port)};
}

bool Set::operator==(const Set& other) const {
  auto content = [](const Set& s) {
    return std::tie(s.name, s.width, s.height, s.fps, s.steps, s.temporalWindow, s.temporalLookahead, s.temporalBankFrames, s.bpm, s.scenes, s.sequence, s.mappings, s.lfos,
                    s.triggers, s.control, s.midi);
  };
  bool sameModel = usesDefaultModel() || other.usesDefaultModel()
                       ? model == other.model
                       : std::filesystem::absolute(modelFolder()) == std::filesystem::absolute(other.modelFolder());
  return sameModel && content(*this) == content(other);
}

}  // namespace afterimage::pipeline
