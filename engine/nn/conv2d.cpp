#include "engine/nn/conv2d.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct Conv2dPush {
  uint32_t inChannels, height, width;
  uint32_t outChannels, outHeight, outWidth;
  uint32_t stride, padding;
};

constexpr uint32_t kTilePixels = 64, kTileChannels = 64;  // shaders/conv2d.comp

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

void require(bool condition, const std::string& message) {
  if (!condition) throw gpu::GpuError("conv2d: " + message);
}

}  // namespace

Tensor conv2d(Plan& plan, const Tensor& input, const Conv2dWeights& weights, const Conv2dOptions& options,
              const Tensor& residual) {
  require(input.rank() == 4 && input.dtype() == DType::F16,
          "input must be f16 [N, C, H, W], found " + toString(input.shape()));
  const Tensor& weight = weights.weight;
  require(weight.valid() && weight.rank() == 4 && weight.dtype() == DType::F16,
          "weight must be f16 [Cout, Cin, k, k], found " + toString(weight.shape()));
  uint32_t batch = input.dim(0), inChannels = input.dim(1), height = input.dim(2), width = input.dim(3);
  uint32_t outChannels = weight.dim(0), kernel = weight.dim(2);
  require(weight.dim(1) == inChannels, "weight " + toString(weight.shape()) + " does not take the " +
                                           std::to_string(inChannels) + " channels of input " +
                                           toString(input.shape()));
  require(weight.dim(3) == kernel && (kernel == 1 || kernel == 3),
          "kernel must be 1x1 or 3x3, weight is " + toString(weight.shape()));
  require(options.stride == 1 || options.stride == 2, "stride must be 1 or 2, got " + std::to_string(options.stride));
  require(height + 2 * options.padding >= kernel && width + 2 * options.padding >= kernel,
          "input " + toString(input.shape()) + " is smaller than the kernel");
  if (weights.bias.valid())
    require(weights.bias.elements() == outChannels && weights.bias.dtype() == DType::F16,
            "bias must be f16 [" + std::to_string(outChannels) + "], found " + toString(weights.bias.shape()));

  uint32_t outHeight = (height + 2 * options.padding - kernel) / options.stride + 1;
  uint32_t outWidth = (width + 2 * options.padding - kernel) / options.stride + 1;
  Shape outShape{batch, outChannels, outHeight, outWidth};
  if (residual.valid())
    require(residual.shape() == outShape && residual.dtype() == DType::F16,
            "residual must be f16 " + toString(outShape) + ", found " + toString(residual.shape()));

  bool hasBias = weights.bias.valid(), hasResidual = residual.valid();
  const gpu::ComputePipeline* pipeline = &plan.context().pipelines().get(
      {"conv2d",
       5,
       sizeof(Conv2dPush),
       {kernel, hasBias ? 1u : 0u, hasResidual ? 1u : 0u, static_cast<uint32_t>(options.activation)}});
  Tensor output = plan.allocate(outShape);
  Conv2dPush push{inChannels, height, width, outChannels, outHeight, outWidth, options.stride, options.padding};
  Tensor bias = weights.bias;
  plan.add([=](gpu::CommandSequence& sequence) {
    gpu::BufferSlice in = input.slice();
    sequence.dispatch(*pipeline,
                      {in, weight.slice(), hasBias ? bias.slice() : in, hasResidual ? residual.slice() : in,
                       output.slice()},
                      push, ceilDiv(outHeight * outWidth, kTilePixels), ceilDiv(outChannels, kTileChannels), batch);
  });
  return output;
}

}  // namespace afterimage::nn
