// Reads fields of a diffusers config.json with errors that name the file
// and the field (wrong type, out of range, unsupported value).
#pragma once
#include <nlohmann/json.hpp>

#include "engine/system/json_value.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::models {

class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& j, std::string source) : j_(j), source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw std::runtime_error(source_ + ": field '" + field + "' " + message);
  }
  bool present(const std::string& field) const { return j_.contains(field) && !j_[field].is_null(); }

  template <typename T>
  T get(const std::string& field, T fallback) const {
    if (!present(field)) return fallback;
    auto value = system::jsonValueAs<T>(j_[field]);
    if (!value) fail(field, "has the wrong type or is out of range: " + j_[field].dump());
    return *value;
  }
  // An int applied to every block, or a list with one value per block.
  std::vector<uint32_t> perBlock(const std::string& field, size_t blocks, uint32_t fallback) const {
    if (!present(field)) return std::vector<uint32_t>(blocks, fallback);
    const nlohmann::json& v = j_[field];
    if (auto one = system::jsonValueAs<uint32_t>(v)) return std::vector<uint32_t>(blocks, *one);
    if (v.is_array() && v.size() == blocks) {
      auto values = system::jsonValueAs<std::vector<uint32_t>>(v);
      if (!values) fail(field, "must hold positive integers, got " + v.dump());
      return *values;
    }
    fail(field, "must be an integer or a list of " + std::to_string(blocks) + " integers, got " + v.dump());
  }
  // A dimension in [low, high]: zero would divide by zero later and absurd
  // sizes would ask for more memory than any GPU has.
  uint32_t dimension(const std::string& field, uint32_t value, uint32_t low, uint32_t high) const {
    if (value < low || value > high)
      fail(field, "is " + std::to_string(value) + "; it must be from " + std::to_string(low) + " to " +
                      std::to_string(high));
    return value;
  }
  void require(const std::string& field, const nlohmann::json& expected) const {
    if (present(field) && j_[field] != expected)
      fail(field, "is " + j_[field].dump() + "; only " + expected.dump() + " is supported");
  }

 private:
  const nlohmann::json& j_;
  std::string source_;
};

}  // namespace afterimage::models
