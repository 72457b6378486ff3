// Golden fixtures written by tools/reference/ (PyTorch): one safetensors
// file per op family or model under tests/golden/. Tensors are named
// "<case>.<role>" (input, weight, output, ...), stored as F32 (inputs are
// f16-representable so both sides see the same numbers); the metadata entry
// "<case>" holds the case's parameters as JSON.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "engine/nn/plan.h"
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

// A persistent tensor of `plan` with golden (case, role)'s shape; its values
// are written after plan.finalize() by writeGoldenInputs().
struct GoldenInput {
  nn::Tensor tensor;
  std::vector<float> values;
};
GoldenInput goldenInput(nn::Plan& plan, const Golden& golden, const std::string& caseName, const std::string& role,
                        nn::DType dtype = nn::DType::F16);
void writeGoldenInputs(gpu::Context& context, std::initializer_list<const GoldenInput*> inputs);

// Reads `actual` back, prints its relative L2 error against golden (case,
// role) with the limit, and returns the error (tests EXPECT_LT it).
double goldenError(gpu::Context& context, const nn::Tensor& actual, const Golden& golden, const std::string& caseName,
                   const std::string& role, double limit);

// An attention-shaped golden case: inputs q, k, v and params heads and
// causal through `op`, output against "output"; returns the error.
using AttentionOp = std::function<nn::Tensor(nn::Plan&, const nn::Tensor& q, const nn::Tensor& k, const nn::Tensor& v,
                                             uint32_t heads, bool causal)>;
double attentionGoldenError(gpu::Context& context, const Golden& golden, const std::string& caseName, AttentionOp op,
                            double limit);

}  // namespace afterimage::testing
