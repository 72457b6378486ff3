#include "engine/pipeline/set.h"

#include <tuple>

namespace afterimage::pipeline {

std::filesystem::path Set::modelFolder() const {
  if (usesDefaultModel()) return {};
  std::filesystem::path folder(model);
  if (folder.is_absolute() || file.empty()) return folder.lexically_normal();
  return (file.parent_path() / folder).lexically_normal();
}

bool Set::operator==(const Set& other) const {
  auto content = [](const Set& s) {
    return std::tie(s.name, s.width, s.height, s.fps, s.steps, s.bpm, s.scenes, s.sequence, s.mappings, s.lfos,
                    s.triggers, s.control, s.midi);
  };
  bool sameModel = usesDefaultModel() || other.usesDefaultModel()
                       ? model == other.model
                       : std::filesystem::absolute(modelFolder()) == std::filesystem::absolute(other.modelFolder());
  return sameModel && content(*this) == content(other);
}

}  // namespace afterimage::pipeline
