#include "engine/nn/elementwise.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct ElementwisePush {
  uint32_t count;
  uint32_t dims[4];
  uint32_t bStrides[4];
  float scale, offset;
};

enum class Op : uint32_t { Add = 0, Multiply = 1, Scale = 2 };

constexpr uint32_t kGroupSize = 256, kMaxGroups = 65535;  // shaders/elementwise.comp strides beyond that

uint32_t groupsFor(size_t count) {
  return static_cast<uint32_t>(std::clamp<size_t>((count + kGroupSize - 1) / kGroupSize, 1, kMaxGroups));
}

void requireHalf(const char* op, const Tensor& t, const char* name) {
  if (!t.valid() || t.dtype() != DType::F16 || t.rank() < 1 || t.rank() > 4)
    throw gpu::GpuError(std::string(op) + ": " + name + " must be an f16 tensor of rank 1 to 4, found " +
                        toString(t.shape()));
}

Tensor record(Plan& plan, Op op, const Tensor& a, const Tensor& b, Activation activation, float scale,
              float offset) {
  const char* name = op == Op::Add ? "add" : op == Op::Multiply ? "multiply" : "scale";
  requireHalf(name, a, "a");
  ElementwisePush push{static_cast<uint32_t>(a.elements()), {1, 1, 1, 1}, {0, 0, 0, 0}, scale, offset};
  uint32_t pad = 4 - a.rank();
  for (uint32_t i = 0; i < a.rank(); ++i) push.dims[pad + i] = a.shape()[i];
  bool broadcast = false;
  if (op != Op::Scale) {
    requireHalf(name, b, "b");
    if (b.rank() > a.rank())
      throw gpu::GpuError(std::string(name) + ": cannot broadcast " + toString(b.shape()) + " to " +
                          toString(a.shape()));
    // Align b's dimensions to the right of a's; size-1 dimensions get stride 0.
    uint32_t stride = 1, bPad = 4 - b.rank();
    for (int i = 3; i >= 0; --i) {
      uint32_t size = i >= int(bPad) ? b.shape()[i - bPad] : 1;
      if (size != push.dims[i] && size != 1)
        throw gpu::GpuError(std::string(name) + ": cannot broadcast " + toString(b.shape()) + " to " +
                            toString(a.shape()));
      push.bStrides[i] = size == 1 ? 0 : stride;
      stride *= size;
    }
    broadcast = b.elements() != a.elements();
  }
  const gpu::ComputePipeline* pipeline = &plan.context().pipelines().get(
      {"elementwise",
       3,
       sizeof(ElementwisePush),
       {static_cast<uint32_t>(op), broadcast ? 1u : 0u, static_cast<uint32_t>(activation)}});
  Tensor output = plan.allocate(a.shape());
  plan.add([=](gpu::CommandSequence& sequence) {
    gpu::BufferSlice in = a.slice();
    sequence.dispatch(*pipeline, {in, op == Op::Scale ? in : b.slice(), output.slice()}, push, groupsFor(push.count));
  });
  return output;
}

}  // namespace

Tensor add(Plan& plan, const Tensor& a, const Tensor& b, Activation activation) {
  return record(plan, Op::Add, a, b, activation, 1.0f, 0.0f);
}

Tensor multiply(Plan& plan, const Tensor& a, const Tensor& b) {
  return record(plan, Op::Multiply, a, b, Activation::None, 1.0f, 0.0f);
}

Tensor scale(Plan& plan, const Tensor& a, float scale, float offset) {
  return record(plan, Op::Scale, a, {}, Activation::None, scale, offset);
}

Tensor activate(Plan& plan, const Tensor& a, Activation activation) {
  return record(plan, Op::Scale, a, {}, activation, 1.0f, 0.0f);
}

}  // namespace afterimage::nn
