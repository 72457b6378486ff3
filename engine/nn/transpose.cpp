#include "engine/nn/transpose.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct TransposePush {
  uint32_t rows, cols;  // of the input matrix
};

constexpr uint32_t kTile = 32;

}  // namespace

Tensor transposeLastTwo(Plan& plan, const Tensor& input) {
  if (input.rank() != 2 && input.rank() != 3) {
    throw gpu::GpuError("transposeLastTwo: expected rank 2 or 3, got " + toString(input.shape()));
  }
  if (input.dtype() != DType::F16) throw gpu::GpuError("transposeLastTwo: f16 tensors only");
  uint32_t batch = input.rank() == 3 ? input.dim(0) : 1;
  uint32_t rows = input.dim(-2), cols = input.dim(-1);
  Shape shape = input.shape();
  std::swap(shape[shape.size() - 1], shape[shape.size() - 2]);
  Tensor output = plan.allocate(shape);
  gpu::Context& context = plan.context();
  plan.add([&context, input, output, batch, rows, cols](gpu::CommandSequence& sequence) {
    const auto& pipeline = context.pipelines().get({"transpose", 2, sizeof(TransposePush), {}});
    sequence.dispatch(pipeline, {input.slice(), output.slice()}, TransposePush{rows, cols},
                      (cols + kTile - 1) / kTile, (rows + kTile - 1) / kTile, batch);
  });
  return output;
}

}  // namespace afterimage::nn
