#include "tests/support/golden.h"

#include <algorithm>

namespace afterimage::testing {

std::string goldenPath(const std::string& relativePath) {
  return std::string(AFTERIMAGE_SOURCE_DIR) + "/tests/golden/" + relativePath;
}

Golden::Golden(const std::string& relativePath)
    : file_(std::make_unique<nn::SafetensorsFile>(goldenPath(relativePath))) {}

std::vector<std::string> Golden::cases() const {
  std::vector<std::string> names;
  for (const auto& t : file_->tensors()) {
    std::string name = t.name.substr(0, t.name.find('.'));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

nlohmann::json Golden::params(const std::string& caseName) const {
  auto it = file_->metadata().find(caseName);
  return it == file_->metadata().end() ? nlohmann::json::object() : nlohmann::json::parse(it->second);
}

bool Golden::has(const std::string& caseName, const std::string& role) const {
  return file_->find(caseName + "." + role) != nullptr;
}

std::vector<float> Golden::values(const std::string& caseName, const std::string& role) const {
  return file_->readFloats(caseName + "." + role);
}

nn::Shape Golden::shape(const std::string& caseName, const std::string& role) const {
  const auto& record = file_->require(caseName + "." + role);
  return nn::Shape(record.shape.begin(), record.shape.end());
}

}  // namespace afterimage::testing
