#include "engine/nn/resample.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct UpsamplePush {
  uint32_t count, width, height;
};

constexpr uint32_t kGroupSize = 256, kMaxGroups = 65535;  // shaders/upsample_nearest.comp strides beyond that

}  // namespace

Tensor upsampleNearest2x(Plan& plan, const Tensor& input) {
  if (input.rank() != 4 || input.dtype() != DType::F16)
    throw gpu::GpuError("upsampleNearest2x: input must be f16 [N, C, H, W], found " + toString(input.shape()));
  Shape shape = input.shape();
  shape[2] *= 2, shape[3] *= 2;
  const gpu::ComputePipeline* pipeline =
      &plan.context().pipelines().get({"upsample_nearest", 2, sizeof(UpsamplePush), {}});
  Tensor output = plan.allocate(shape);
  UpsamplePush push{static_cast<uint32_t>(output.elements()), input.dim(3), input.dim(2)};
  uint32_t groups = std::clamp<uint32_t>((push.count + kGroupSize - 1) / kGroupSize, 1, kMaxGroups);
  plan.add([=](gpu::CommandSequence& sequence) {
    sequence.dispatch(*pipeline, {input.slice(), output.slice()}, push, groups);
  });
  return output;
}

}  // namespace afterimage::nn
