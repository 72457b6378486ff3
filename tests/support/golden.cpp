#include "tests/support/golden.h"

#include <algorithm>
#include <cstdio>

#include "tests/support/gpu_test.h"

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

GoldenInput goldenInput(nn::Plan& plan, const Golden& golden, const std::string& caseName, const std::string& role,
                        nn::DType dtype) {
  return {plan.persistent(golden.shape(caseName, role), dtype), golden.values(caseName, role)};
}

void writeGoldenInputs(gpu::Context& context, std::initializer_list<const GoldenInput*> inputs) {
  for (const GoldenInput* input : inputs) nn::writeTensor(context, input->tensor, input->values);
}

double goldenError(gpu::Context& context, const nn::Tensor& actual, const Golden& golden, const std::string& caseName,
                   const std::string& role, double limit) {
  auto expected = golden.values(caseName, role);
  auto values = nn::readTensor(context, actual);
  if (values.size() != expected.size()) {
    ADD_FAILURE() << caseName << "." << role << ": " << values.size() << " values, golden has " << expected.size();
    return 1.0;
  }
  double error = relativeL2(values, expected);
  std::printf("%s.%s: relative L2 %.2e (limit %.0e)\n", caseName.c_str(), role.c_str(), error, limit);
  return error;
}

double attentionGoldenError(gpu::Context& context, const Golden& golden, const std::string& caseName, AttentionOp op,
                            double limit) {
  nn::Plan plan(context);
  auto q = goldenInput(plan, golden, caseName, "q");
  auto k = goldenInput(plan, golden, caseName, "k");
  auto v = goldenInput(plan, golden, caseName, "v");
  auto params = golden.params(caseName);
  nn::Tensor output = op(plan, q.tensor, k.tensor, v.tensor, params["heads"].get<uint32_t>(), params["causal"].get<bool>());
  plan.finalize();
  writeGoldenInputs(context, {&q, &k, &v});
  plan.run();
  return goldenError(context, output, golden, caseName, "output", limit);
}

}  // namespace afterimage::testing
