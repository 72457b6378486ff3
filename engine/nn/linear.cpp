#include "engine/nn/linear.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/matmul.h"

namespace afterimage::nn {
namespace {

struct ActivationPush {
  uint32_t count;
};

constexpr uint32_t kMaxGroupsX = 65535;

void requireHalf(const char* op, const char* name, const Tensor& t) {
  if (!t.valid() || t.dtype() != DType::F16)
    throw gpu::GpuError(std::string(op) + ": " + name + " must be a valid f16 tensor, found " + toString(t.shape()));
}

}  // namespace

Tensor linear(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias, Activation activation) {
  requireHalf("linear", "input", input);
  requireHalf("linear", "weight", weight);
  if (input.rank() < 1 || weight.rank() != 2 || weight.dim(1) != input.dim(-1))
    throw gpu::GpuError("linear: weight must be [out, " + std::to_string(input.rank() ? input.dim(-1) : 0) +
                        "] for input " + toString(input.shape()) + ", found " + toString(weight.shape()));
  uint32_t in = weight.dim(1), out = weight.dim(0);
  if (bias.valid() && (bias.dtype() != DType::F16 || bias.elements() != out))
    throw gpu::GpuError("linear: bias must be f16 [" + std::to_string(out) + "], found " + toString(bias.shape()));

  Shape outputShape = input.shape();
  outputShape.back() = out;
  Tensor output = plan.allocate(outputShape);
  MatmulShape shape{static_cast<uint32_t>(input.elements() / in), out, in, 1, true, 1.0f};
  gpu::Context& context = plan.context();
  plan.add([&context, shape, input, weight, bias, output](gpu::CommandSequence& sequence) {
    recordMatmul(context, sequence, shape, input.slice(), weight.slice(),
                 bias.valid() ? bias.slice() : gpu::BufferSlice{}, output.slice());
  });
  if (activation != Activation::None) {
    const auto& pipeline =
        context.pipelines().get({"linear_activation", 1, sizeof(ActivationPush), {uint32_t(activation)}});
    ActivationPush push{static_cast<uint32_t>(output.elements())};
    uint32_t groups = (push.count + 255) / 256;
    uint32_t groupsX = std::min(groups, kMaxGroupsX), groupsY = (groups + groupsX - 1) / groupsX;
    plan.add([&pipeline, output, push, groupsX, groupsY](gpu::CommandSequence& sequence) {
      sequence.dispatch(pipeline, {output.slice()}, push, groupsX, groupsY);
    });
  }
  return output;
}

Tensor batchedMatmul(Plan& plan, const Tensor& a, const Tensor& b, bool bTransposed, float alpha) {
  requireHalf("batchedMatmul", "a", a);
  requireHalf("batchedMatmul", "b", b);
  if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0) || a.dim(2) != b.dim(bTransposed ? 2 : 1))
    throw gpu::GpuError("batchedMatmul: a " + toString(a.shape()) + " and b " + toString(b.shape()) +
                        (bTransposed ? " (b as [B, N, K])" : " (b as [B, K, N])") + " do not agree");
  MatmulShape shape{a.dim(1), b.dim(bTransposed ? 1 : 2), a.dim(2), a.dim(0), bTransposed, alpha};
  Tensor output = plan.allocate({shape.batch, shape.M, shape.N});
  gpu::Context& context = plan.context();
  plan.add([&context, shape, a, b, output](gpu::CommandSequence& sequence) {
    recordMatmul(context, sequence, shape, a.slice(), b.slice(), {}, output.slice());
  });
  return output;
}

}  // namespace afterimage::nn
