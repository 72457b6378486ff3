#include "engine/nn/geglu.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct GegluPush {
  uint32_t rows, features;  // output is [rows, features]
};

}  // namespace

Tensor geglu(Plan& plan, const Tensor& input) {
  if (input.rank() < 1 || input.dim(-1) % 2 != 0 || input.dtype() != DType::F16) {
    throw gpu::GpuError("geglu: expected an f16 tensor with an even last dimension, got " + toString(input.shape()));
  }
  Shape shape = input.shape();
  shape.back() /= 2;
  uint32_t features = shape.back();
  uint32_t rows = static_cast<uint32_t>(input.elements() / input.dim(-1));
  Tensor output = plan.allocate(shape);
  gpu::Context& context = plan.context();
  plan.add([&context, input, output, rows, features](gpu::CommandSequence& sequence) {
    const auto& pipeline = context.pipelines().get({"geglu", 2, sizeof(GegluPush), {}});
    sequence.dispatch(pipeline, {input.slice(), output.slice()}, GegluPush{rows, features}, (features + 63) / 64, rows,
                      1);
  });
  return output;
}

}  // namespace afterimage::nn
