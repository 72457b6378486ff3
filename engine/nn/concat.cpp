#include "engine/nn/concat.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct ConcatPush {
  uint32_t count, rowA, rowB;
};

constexpr uint32_t kGroupSize = 256, kMaxGroups = 65535;  // shaders/concat.comp strides beyond that

}  // namespace

Tensor concatChannels(Plan& plan, const Tensor& a, const Tensor& b) {
  // NCHW joins along dim 1; sequences ([B, T, C] or [T, C]) along the last.
  uint32_t axis = a.rank() == 4 ? 1 : a.rank() - 1;
  bool compatible = a.valid() && b.valid() && a.rank() == b.rank() && a.rank() >= 2 && a.rank() <= 4 &&
                    a.dtype() == DType::F16 && b.dtype() == DType::F16;
  for (uint32_t i = 0; compatible && i < a.rank(); ++i) compatible = i == axis || a.shape()[i] == b.shape()[i];
  if (!compatible)
    throw gpu::GpuError("concatChannels: cannot join f16 tensors " + toString(a.shape()) + " and " +
                        toString(b.shape()) + " (all dimensions but the channels must agree)");
  Shape shape = a.shape();
  shape[axis] += b.shape()[axis];
  uint32_t outer = 1;
  for (uint32_t i = 0; i < axis; ++i) outer *= a.shape()[i];
  const gpu::ComputePipeline* pipeline = &plan.context().pipelines().get({"concat", 3, sizeof(ConcatPush), {}});
  Tensor output = plan.allocate(shape);
  ConcatPush push{static_cast<uint32_t>(output.elements()), static_cast<uint32_t>(a.elements() / outer),
                  static_cast<uint32_t>(b.elements() / outer)};
  uint32_t groups = std::clamp<uint32_t>((push.count + kGroupSize - 1) / kGroupSize, 1, kMaxGroups);
  plan.add([=](gpu::CommandSequence& sequence) {
    sequence.dispatch(*pipeline, {a.slice(), b.slice(), output.slice()}, push, groups);
  });
  return output;
}

}  // namespace afterimage::nn
