// Golden fixtures written by tools/reference/ (PyTorch): one safetensors
// file per op family or model under tests/golden/. Tensors are named
// "<case>.<role>" (input, weight, output, ...), stored as F32 (inputs are
// f16-representable so both sides see the same numbers); the metadata entry
// "<case>" holds the case's parameters as JSON.
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "engine/nn/safetensors.h"
#include "engine/nn/tensor.h"

namespace afterimage::testing {

class Golden {
 public:
  // relativePath under tests/golden/, e.g. "ops/conv2d.safetensors".
  explicit Golden(const std::string& relativePath);

  std::vector<std::string> cases() const;  // in file order of their first tensor
  nlohmann::json params(const std::string& caseName) const;
  bool has(const std::string& caseName, const std::string& role) const;
  std::vector<float> values(const std::string& caseName, const std::string& role) const;
  nn::Shape shape(const std::string& caseName, const std::string& role) const;
  const nn::SafetensorsFile& file() const { return *file_; }

 private:
  std::unique_ptr<nn::SafetensorsFile> file_;
};

std::string goldenPath(const std::string& relativePath);

}  // namespace afterimage::testing
