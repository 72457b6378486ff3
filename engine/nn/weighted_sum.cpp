#include "engine/nn/weighted_sum.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct WeightedSumPush {
  uint32_t count;  // elements
  uint32_t first;  // index of the first coefficient
};

constexpr uint32_t kGroupSize = 256, kMaxGroups = 65535;

}  // namespace

Tensor weightedSum(Plan& plan, const std::vector<Tensor>& inputs, const Tensor& coefficients, uint32_t first,
                   const Tensor& output) {
  if (inputs.empty() || inputs.size() > 3) throw gpu::GpuError("weightedSum: expected 1 to 3 inputs");
  for (const auto& t : inputs) {
    if (!t.valid() || t.dtype() != DType::F16 || t.shape() != inputs[0].shape())
      throw gpu::GpuError("weightedSum: inputs must be f16 tensors of one shape, found " + toString(t.shape()) +
                          " with " + toString(inputs[0].shape()));
  }
  if (!coefficients.valid() || coefficients.dtype() != DType::F32 || coefficients.elements() < first + inputs.size())
    throw gpu::GpuError("weightedSum: coefficients must be an f32 tensor holding indices " + std::to_string(first) +
                        ".." + std::to_string(first + inputs.size() - 1));
  if (output.valid() && (output.shape() != inputs[0].shape() || output.dtype() != DType::F16))
    throw gpu::GpuError("weightedSum: output " + toString(output.shape()) + " must match the inputs " +
                        toString(inputs[0].shape()));
  Tensor out = output.valid() ? output : plan.allocate(inputs[0].shape());
  auto count = static_cast<uint32_t>(out.elements());
  uint32_t groups = std::clamp((count + kGroupSize - 1) / kGroupSize, 1u, kMaxGroups);
  const auto& pipeline = plan.context().pipelines().get(
      {"weighted_sum", 5, sizeof(WeightedSumPush), {static_cast<uint32_t>(inputs.size())}});
  std::vector<Tensor> in = inputs;
  while (in.size() < 3) in.push_back(inputs[0]);  // unused bindings
  plan.add([&pipeline, in, coefficients, out, count, first, groups](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {in[0].slice(), in[1].slice(), in[2].slice(), coefficients.slice(), out.slice()},
                      WeightedSumPush{count, first}, groups, 1, 1);
  });
  return out;
}

}  // namespace afterimage::nn
