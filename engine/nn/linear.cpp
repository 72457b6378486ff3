#include "engine/nn/linear.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/matmul.h"

namespace afterimage::nn {
namespace {

void requireHalf(const char* op, const char* name, const Tensor& t) {
  if (!t.valid() || t.dtype() != DType::F16)
    throw gpu::GpuError(std::string(op) + ": " + name + " must be a valid f16 tensor, found " + toString(t.shape()));
}

void requireWeights(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias) {
  requireHalf(op, "input", input);
  requireHalf(op, "weight", weight);
  if (input.rank() < 1 || weight.rank() != 2 || weight.dim(1) != input.dim(-1))
    throw gpu::GpuError(std::string(op) + ": weight must be [out, " + std::to_string(input.rank() ? input.dim(-1) : 0) +
                        "] for input " + toString(input.shape()) + ", found " + toString(weight.shape()));
  if (bias.valid() && (bias.dtype() != DType::F16 || bias.elements() != weight.dim(0)))
    throw gpu::GpuError(std::string(op) + ": bias must be f16 [" + std::to_string(weight.dim(0)) + "], found " +
                        toString(bias.shape()));
}

void requireResidual(const char* op, const Tensor& residual, const Shape& outputShape) {
  if (residual.valid() && (residual.dtype() != DType::F16 || residual.shape() != outputShape))
    throw gpu::GpuError(std::string(op) + ": residual must be f16 " + toString(outputShape) + ", found " +
                        toString(residual.shape()));
}

void requireNorm(const char* op, const InputLayerNorm& norm, uint32_t in, uint64_t rows) {
  if (!norm.gamma.valid()) return;
  for (const Tensor* t : {&norm.gamma, &norm.beta})
    if (!t->valid() || t->dtype() != DType::F16 || t->elements() != in)
      throw gpu::GpuError(std::string(op) + ": the input norm's gamma and beta must be f16 [" + std::to_string(in) +
                          "], found " + (t->valid() ? toString(t->shape()) : std::string("none")));
  if (norm.add.valid() && (norm.add.dtype() != DType::F16 || norm.rowsPerAdd == 0 ||
                           norm.add.elements() != (rows + norm.rowsPerAdd - 1) / norm.rowsPerAdd * in))
    throw gpu::GpuError(std::string(op) + ": the input norm's add must be f16 with " + std::to_string(in) +
                        " values for every " + std::to_string(norm.rowsPerAdd) + " of the " + std::to_string(rows) +
                        " input rows, found " + toString(norm.add.shape()));
}

MatmulRowNorm rowNormOf(const InputLayerNorm& norm) {
  if (!norm.gamma.valid()) return {};
  return {norm.gamma.slice(), norm.beta.slice(), norm.eps, norm.add.valid() ? norm.add.slice() : gpu::BufferSlice{},
          norm.rowsPerAdd};
}

}  // namespace

Tensor linear(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias, Activation activation,
              const Tensor& residual, const InputLayerNorm& norm) {
  requireWeights("linear", input, weight, bias);
  uint32_t in = weight.dim(1), out = weight.dim(0);
  requireNorm("linear", norm, in, input.elements() / in);
  Shape outputShape = input.shape();
  outputShape.back() = out;
  requireResidual("linear", residual, outputShape);
  Tensor output = plan.allocate(outputShape);
  MatmulShape shape{static_cast<uint32_t>(input.elements() / in), out, in, 1, true, 1.0f};
  gpu::Context& context = plan.context();
  plan.add([&context, shape, input, weight, bias, residual, activation, norm, output](gpu::CommandSequence& sequence) {
    MatmulEpilogue epilogue{.bias = bias.valid() ? bias.slice() : gpu::BufferSlice{},
                            .residual = residual.valid() ? residual.slice() : gpu::BufferSlice{},
                            .activation = activation};
    recordMatmul(context, sequence, shape, input.slice(), weight.slice(), epilogue, output.slice(),
                 MatmulKernel::Auto, nullptr, rowNormOf(norm));
  });
  return output;
}

Tensor linearGeglu(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias,
                   const InputLayerNorm& norm) {
  requireWeights("linearGeglu", input, weight, bias);
  uint32_t in = weight.dim(1), out = weight.dim(0);
  requireNorm("linearGeglu", norm, in, input.elements() / in);
  if (out % 2 != 0)
    throw gpu::GpuError("linearGeglu: weight must have an even number of rows (value and gate), found " +
                        toString(weight.shape()));
  Shape outputShape = input.shape();
  outputShape.back() = out / 2;
  Tensor output = plan.allocate(outputShape);
  MatmulShape shape{static_cast<uint32_t>(input.elements() / in), out, in, 1, true, 1.0f};
  gpu::Context& context = plan.context();
  plan.add([&context, shape, input, weight, bias, norm, output](gpu::CommandSequence& sequence) {
    MatmulEpilogue epilogue{.bias = bias.valid() ? bias.slice() : gpu::BufferSlice{}, .geglu = true};
    recordMatmul(context, sequence, shape, input.slice(), weight.slice(), epilogue, output.slice(),
                 MatmulKernel::Auto, nullptr, rowNormOf(norm));
  });
  return output;
}

std::vector<float> interleaveGegluRows(const std::vector<float>& rows, uint32_t columns) {
  const size_t half = columns ? rows.size() / columns / 2 : 0;
  if (columns == 0 || rows.size() != 2 * half * columns)
    throw std::invalid_argument("interleaveGegluRows: " + std::to_string(rows.size()) +
                                " values are not an even number of rows of " + std::to_string(columns));
  std::vector<float> interleaved(rows.size());
  for (size_t j = 0; j < half; ++j) {
    std::copy_n(rows.begin() + ptrdiff_t(j * columns), columns, interleaved.begin() + ptrdiff_t(2 * j * columns));
    std::copy_n(rows.begin() + ptrdiff_t((half + j) * columns), columns,
                interleaved.begin() + ptrdiff_t((2 * j + 1) * columns));
  }
  return interleaved;
}

Tensor linearToChannels(Plan& plan, const Tensor& input, const Tensor& weight, const Tensor& bias,
                        const Tensor& residual) {
  requireWeights("linearToChannels", input, weight, bias);
  if (input.rank() != 3)
    throw gpu::GpuError("linearToChannels: input must be [N, tokens, in], found " + toString(input.shape()));
  uint32_t batch = input.dim(0), tokens = input.dim(1), in = weight.dim(1), out = weight.dim(0);
  Shape outputShape{batch, out, tokens};
  requireResidual("linearToChannels", residual, outputShape);
  Tensor output = plan.allocate(outputShape);
  // output[n] = weight [out, in] x input[n]^T, input[n] being [tokens, in]: B transposed, A shared.
  MatmulShape shape{out, tokens, in, batch, true, 1.0f, true};
  gpu::Context& context = plan.context();
  plan.add([&context, shape, input, weight, bias, residual, output](gpu::CommandSequence& sequence) {
    MatmulEpilogue epilogue{.bias = bias.valid() ? bias.slice() : gpu::BufferSlice{},
                            .biasPerRow = true,
                            .residual = residual.valid() ? residual.slice() : gpu::BufferSlice{}};
    recordMatmul(context, sequence, shape, weight.slice(), input.slice(), epilogue, output.slice());
  });
  return output;
}

Tensor linearStacked(Plan& plan, const Tensor& input, const Tensor& weights, const InputLayerNorm& norm) {
  requireHalf("linearStacked", "input", input);
  requireHalf("linearStacked", "weights", weights);
  if (input.rank() < 1 || weights.rank() != 3 || weights.dim(2) != input.dim(-1))
    throw gpu::GpuError("linearStacked: weights must be [layers, out, " +
                        std::to_string(input.rank() ? input.dim(-1) : 0) + "] for input " + toString(input.shape()) +
                        ", found " + toString(weights.shape()));
  uint32_t layers = weights.dim(0), out = weights.dim(1), in = weights.dim(2);
  requireNorm("linearStacked", norm, in, input.elements() / in);
  Shape outputShape = input.shape();
  outputShape.back() = out;
  outputShape.insert(outputShape.begin(), layers);
  Tensor output = plan.allocate(outputShape);
  // Batch item l: the input (A, shared) times layer l's weight (B, transposed).
  MatmulShape shape{static_cast<uint32_t>(input.elements() / in), out, in, layers, true, 1.0f, true};
  gpu::Context& context = plan.context();
  plan.add([&context, shape, input, weights, norm, output](gpu::CommandSequence& sequence) {
    recordMatmul(context, sequence, shape, input.slice(), weights.slice(), MatmulEpilogue{}, output.slice(),
                 MatmulKernel::Auto, nullptr, rowNormOf(norm));
  });
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
    recordMatmul(context, sequence, shape, a.slice(), b.slice(), MatmulEpilogue{}, output.slice());
  });
  return output;
}

}  // namespace afterimage::nn
