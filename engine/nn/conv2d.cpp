#include "engine/nn/conv2d.h"

#include <algorithm>
#include <thread>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/coopmat_tile.h"

namespace afterimage::nn {
namespace {

struct Conv2dPush {
  uint32_t inChannels, height, width;
  uint32_t outChannels, outHeight, outWidth;
  uint32_t padding;
  uint32_t biasStride, biasOffset;  // HAS_BIAS 2: the image-and-channel table
  uint32_t firstChannels;           // CONCATENATED: input channels of the first input
  uint32_t shortcutChannels, shortcutFirstChannels;  // SHORTCUT: all of them, and the first input's
};

constexpr uint32_t kWorkgroupSize = 64;  // shaders/conv2d.comp

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

void require(bool condition, const std::string& message) {
  if (!condition) throw gpu::GpuError("conv2d: " + message);
}

// The requested (or device) tiling, shrunk where the layer is smaller than a tile.
Conv2dTiling layerTiling(const gpu::DeviceInfo& device, Conv2dTiling tiling, uint32_t outChannels,
                         uint32_t outWidth) {
  Conv2dTiling automatic = conv2dTilingFor(device);
  if (!tiling.channels) tiling.channels = automatic.channels;
  if (!tiling.pixels) tiling.pixels = automatic.pixels;
  if (!tiling.lanes) tiling.lanes = automatic.lanes;
  bool powerOfTwo = (tiling.lanes & (tiling.lanes - 1)) == 0;
  require(powerOfTwo && tiling.lanes <= std::max(device.subgroupSize, 1u) && tiling.channels % tiling.lanes == 0 &&
              tiling.channels <= 64 && tiling.pixels >= 1 && tiling.pixels <= 16,
          "tiling " + std::to_string(tiling.channels) + " channels x " + std::to_string(tiling.pixels) +
              " pixels over " + std::to_string(tiling.lanes) + " lanes does not fit subgroup size " +
              std::to_string(device.subgroupSize));
  tiling.channels = std::min(tiling.channels, ceilDiv(outChannels, tiling.lanes) * tiling.lanes);
  while (tiling.pixels > 2 && tiling.pixels / 2 >= outWidth) tiling.pixels /= 2;
  return tiling;
}

// The plain kernel's split of the input channels where the layer alone
// would not fill the device (a UNet's lowest resolution: one workgroup);
// each split keeps at least 16 input channels.
uint32_t plainSplits(const gpu::DeviceInfo& device, uint32_t workgroups, uint32_t inChannels) {
  // lavapipe runs a workgroup per CPU thread at a time; 120: as for the
  // tensor-core kernel (coopmat_tile.cpp).
  uint32_t enough = device.type == "cpu" ? 2 * std::max(1u, std::thread::hardware_concurrency()) : 120;
  if (workgroups >= enough) return 1;
  return std::max(1u, std::min({ceilDiv(enough, workgroups), inChannels / 16, kMaxConv2dSplits}));
}

// The arrival counts of a split convolution's output tiles (shaders/split_arrival.glsl): zeros,
// which each replay's last split of a tile puts back.
Tensor arrivalCounts(Plan& plan, uint32_t tiles) {
  Tensor counts = plan.persistent({tiles}, DType::F32);  // 32-bit words; 0.0f is all zero bits
  writeTensor(plan.context(), counts, std::vector<float>(tiles, 0.0f));
  return counts;
}

// The shortcut's input channels, after checking it against the output's shape.
uint32_t checkShortcut(const Conv2dShortcut& shortcut, const Shape& outShape, const Tensor& residual) {
  const Tensor& in = shortcut.input;
  require(in.valid() && in.rank() == 4 && in.dtype() == DType::F16 && in.dim(0) == outShape[0] &&
              in.dim(2) == outShape[2] && in.dim(3) == outShape[3],
          "the shortcut's input " + (in.valid() ? toString(in.shape()) : std::string("(none)")) +
              " must be f16 with the output's batch and size " + toString(outShape));
  uint32_t channels = in.dim(1);
  if (shortcut.concatenated.valid()) {
    const Tensor& rest = shortcut.concatenated;
    require(rest.rank() == 4 && rest.dtype() == DType::F16 && rest.dim(0) == in.dim(0) && rest.dim(2) == in.dim(2) &&
                rest.dim(3) == in.dim(3),
            "the shortcut's concatenated input " + toString(rest.shape()) + " must be f16 with the size of " +
                toString(in.shape()));
    channels += rest.dim(1);
  }
  const uint32_t outChannels = outShape[1];
  const Tensor& weight = shortcut.weights.weight;
  require(weight.rank() == 4 && weight.dtype() == DType::F16 && weight.dim(0) == outChannels &&
              weight.dim(1) == channels && weight.dim(2) == 1 && weight.dim(3) == 1,
          "the shortcut's weight must be f16 [" + std::to_string(outChannels) + ", " + std::to_string(channels) +
              ", 1, 1], found " + toString(weight.shape()));
  const Tensor& bias = shortcut.weights.bias;
  require(!bias.valid() || (bias.elements() == outChannels && bias.dtype() == DType::F16),
          "the shortcut's bias must be f16 [" + std::to_string(outChannels) + "]");
  require(!residual.valid(), "a convolution takes a shortcut or a residual, not both");
  return channels;
}

}  // namespace

bool conv2dCoopmatFits(const gpu::DeviceInfo& device, uint32_t inChannels, uint32_t kernel, uint32_t outWidth) {
  // Fewer than 16 output channels (a UNet's conv_out: 4) waste most of a
  // tile's rows but still beat the plain kernel by far, which splits only the
  // pixels: 16 workgroups for SD-Turbo's conv_out at 64x64, 0.43 ms on an H200.
  return device.tensorCores && inChannels * kernel * kernel % 8 == 0 && outWidth % 8 == 0;
}

Conv2dTiling conv2dTilingFor(const gpu::DeviceInfo& device) {
  // On lavapipe larger tiles (32 x 8, 16 x 16) ran no faster in our measurements but compile 2-3x slower.
  if (device.type == "cpu") return {16, 8, std::clamp(device.subgroupSize, 1u, 8u)};
  return {16, 4, 1};
}

Tensor conv2d(Plan& plan, const Tensor& input, const Conv2dWeights& weights, const Conv2dOptions& options,
              const Tensor& residual, const ImageChannelBias& imageBias) {
  require(input.rank() == 4 && input.dtype() == DType::F16,
          "input must be f16 [N, C, H, W], found " + toString(input.shape()));
  const Tensor& weight = weights.weight;
  require(weight.valid() && weight.rank() == 4 && weight.dtype() == DType::F16,
          "weight must be f16 [Cout, Cin, k, k], found " + toString(weight.shape()));
  uint32_t batch = input.dim(0), inChannels = input.dim(1), height = input.dim(2), width = input.dim(3);
  const Tensor& second = options.concatenated;
  if (second.valid()) {
    require(second.rank() == 4 && second.dtype() == DType::F16 && second.dim(0) == batch && second.dim(2) == height &&
                second.dim(3) == width && second.dim(1) > 0,
            "the concatenated input " + toString(second.shape()) + " must be f16 with the batch and size of input " +
                toString(input.shape()));
    inChannels += second.dim(1);
  }
  const uint32_t concatenated = second.valid() ? 1u : 0u;
  uint32_t outChannels = weight.dim(0), kernel = weight.dim(2);
  require(batch > 0 && inChannels > 0 && height > 0 && width > 0 && outChannels > 0,
          "input " + toString(input.shape()) + " or weight " + toString(weight.shape()) + " has an empty dimension");
  require(weight.dim(1) == inChannels, "weight " + toString(weight.shape()) + " does not take the " +
                                           std::to_string(inChannels) + " channels of input " +
                                           toString(input.shape()) +
                                           (second.valid() ? " and " + toString(second.shape()) : ""));
  require(weight.dim(3) == kernel && (kernel == 1 || kernel == 3),
          "kernel must be 1x1 or 3x3, weight is " + toString(weight.shape()));
  require(options.stride == 1 || options.stride == 2, "stride must be 1 or 2, got " + std::to_string(options.stride));
  uint32_t upsample = options.upsample ? 1u : 0u;
  uint32_t seenHeight = height << upsample, seenWidth = width << upsample;
  require(seenHeight + 2 * options.padding >= kernel && seenWidth + 2 * options.padding >= kernel,
          "input " + toString(input.shape()) + " is smaller than the kernel");
  if (weights.bias.valid())
    require(weights.bias.elements() == outChannels && weights.bias.dtype() == DType::F16,
            "bias must be f16 [" + std::to_string(outChannels) + "], found " + toString(weights.bias.shape()));

  uint32_t outHeight = (seenHeight + 2 * options.padding - kernel) / options.stride + 1;
  uint32_t outWidth = (seenWidth + 2 * options.padding - kernel) / options.stride + 1;
  Shape outShape{batch, outChannels, outHeight, outWidth};
  const Conv2dShortcut& shortcut = options.shortcut;
  const uint32_t shortcutChannels = shortcut.valid() ? checkShortcut(shortcut, outShape, residual) : 0u;
  const uint32_t shortcutMode = !shortcut.valid() ? 0u : shortcut.weights.bias.valid() ? 2u : 1u;
  if (residual.valid())
    require(residual.shape() == outShape && residual.dtype() == DType::F16,
            "residual must be f16 " + toString(outShape) + ", found " + toString(residual.shape()));

  bool perImage = imageBias.table.valid();
  if (perImage)
    require(!weights.bias.valid() && imageBias.table.dtype() == DType::F16 && imageBias.table.rank() == 2 &&
                imageBias.table.dim(0) == batch && imageBias.offset + outChannels <= imageBias.table.dim(1),
            "a bias per image must be f16 [" + std::to_string(batch) + ", >= " +
                std::to_string(imageBias.offset + outChannels) + "] and replace the weights' bias, found " +
                toString(imageBias.table.shape()));
  bool hasBias = weights.bias.valid() || perImage, hasResidual = residual.valid();
  uint32_t biasMode = perImage ? 2u : hasBias ? 1u : 0u;
  const gpu::DeviceInfo& device = plan.context().info();
  const bool fits = conv2dCoopmatFits(device, inChannels, kernel, outWidth);
  const uint32_t depth = inChannels * kernel * kernel + shortcutChannels, pixels = outHeight * outWidth;
  const CoopmatLaunch launch = options.launch ? *options.launch
                               : fits ? chooseCoopmatLaunch(device, outChannels, pixels, depth, batch, false, true)
                                      : CoopmatLaunch{};
  const bool emulationFits = coopmatEmulationFits(device, launch.tile, ceilDiv(depth, launch.splits));
  bool coopmat = options.kernel == Conv2dKernel::Coopmat ||
                 (options.kernel == Conv2dKernel::Auto && fits && emulationFits);
  Conv2dPush push{inChannels, height, width, outChannels, outHeight, outWidth, options.padding,
                  perImage ? imageBias.table.dim(1) : 0u, imageBias.offset, input.dim(1), shortcutChannels,
                  shortcut.valid() ? shortcut.input.dim(1) : 0u};
  Tensor bias = perImage ? imageBias.table : weights.bias;
  if (coopmat && shortcut.valid() && shortcutChannels % 8 != 0) {
    // The tensor-core kernel reads the shortcut's weights in 16-byte words: convolve it apart.
    Conv2dOptions apart{.padding = 0, .concatenated = shortcut.concatenated}, main = options;
    main.shortcut = {};
    Tensor added = conv2d(plan, shortcut.input, shortcut.weights, apart);
    Tensor output = conv2d(plan, input, weights, main, added, imageBias);
    plan.release(added);
    return output;
  }
  // Unused bindings get a tensor of the call's own.
  auto orInput = [&input](const Tensor& t) { return t.valid() ? t : input; };
  const Tensor shortcutInput = orInput(shortcut.input);
  const Tensor shortcutSecond = orInput(shortcut.concatenated.valid() ? shortcut.concatenated : shortcut.input);
  const Tensor shortcutWeight = orInput(shortcut.weights.weight), shortcutBias = orInput(shortcut.weights.bias);
  if (coopmat) {
    require(fits, "the tensor-core kernel needs a device with them and Cin*k*k, output width multiples of 8 (layer " +
                      toString(weight.shape()) + " -> width " + std::to_string(outWidth) + ")");
    require(emulationFits, "Cin*k*k " + std::to_string(depth) + " is too deep for the emulated tensor-core kernel "
                           "on " + launch.tile.name() + " (lavapipe's loop limit; AFTERIMAGE_COOPMAT=emulate)");
    std::vector<uint32_t> constants = {kernel,         biasMode, hasResidual ? 1u : 0u,
                                       static_cast<uint32_t>(options.activation), options.stride, upsample,
                                       concatenated, shortcutMode};
    const gpu::ComputePipeline* pipeline = &plan.context().pipelines().get(
        {"conv2d_coopmat", 12, sizeof(Conv2dPush), coopmatSpecialization(constants, launch.tile, launch.splits)});
    Tensor output = plan.allocate(outShape);
    uint32_t groupsX = ceilDiv(pixels, launch.tile.columns), groupsY = ceilDiv(outChannels, launch.tile.rows);
    uint32_t splits = launch.splits;
    // Split K: the partial sums of each split, added up by the last split of each tile.
    Tensor partial = splits > 1 ? plan.allocate({batch * splits, outChannels, outHeight, outWidth}, DType::F32) : Tensor{};
    Tensor arrivals = splits > 1 ? arrivalCounts(plan, batch * groupsY * groupsX) : Tensor{};
    plan.add([=](gpu::CommandSequence& sequence) {
      gpu::BufferSlice in = input.slice(), out = output.slice();
      sequence.dispatch(*pipeline,
                        {in, weight.slice(), hasBias ? bias.slice() : in, hasResidual ? residual.slice() : in, out,
                         splits > 1 ? partial.slice() : out, second.valid() ? second.slice() : in,
                         splits > 1 ? arrivals.slice() : out, shortcutInput.slice(), shortcutSecond.slice(),
                         shortcutWeight.slice(), shortcutBias.slice()},
                        push, groupsX, groupsY, batch * splits);
    });
    if (splits > 1) plan.release(partial);
    return output;
  }

  Conv2dTiling tiling = layerTiling(device, options.tiling, outChannels, outWidth);
  uint32_t tiles = ceilDiv(outWidth, tiling.pixels) * outHeight;
  uint32_t invocations = ceilDiv(tiles, tiling.lanes) * tiling.lanes * ceilDiv(outChannels, tiling.channels);
  uint32_t workgroups = ceilDiv(invocations, kWorkgroupSize);
  require(workgroups <= 65535, "output " + toString(outShape) + " needs more workgroups than a dispatch holds (65535)");
  const uint32_t channelsInAll = inChannels + shortcutChannels;
  uint32_t splits = options.splits ? options.splits : plainSplits(device, workgroups * batch, channelsInAll);
  require(splits <= kMaxConv2dSplits && splits <= channelsInAll,
          std::to_string(splits) + " splits of " + std::to_string(channelsInAll) + " input channels: at most " +
              std::to_string(kMaxConv2dSplits) + ", at most one per channel");
  const gpu::ComputePipeline* pipeline = &plan.context().pipelines().get(
      {"conv2d",
       12,
       sizeof(Conv2dPush),
       {kernel, biasMode, hasResidual ? 1u : 0u, static_cast<uint32_t>(options.activation), options.stride,
        tiling.channels, tiling.pixels, tiling.lanes, upsample, splits, concatenated, shortcutMode}});
  Tensor output = plan.allocate(outShape);
  Tensor partial = splits > 1 ? plan.allocate({batch * splits, outChannels, outHeight, outWidth}, DType::F32) : Tensor{};
  Tensor arrivals = splits > 1 ? arrivalCounts(plan, batch * workgroups * kWorkgroupSize) : Tensor{};
  plan.add([=](gpu::CommandSequence& sequence) {
    gpu::BufferSlice in = input.slice(), out = output.slice();
    sequence.dispatch(*pipeline,
                      {in, weight.slice(), hasBias ? bias.slice() : in, hasResidual ? residual.slice() : in, out,
                       splits > 1 ? partial.slice() : out, second.valid() ? second.slice() : in,
                       splits > 1 ? arrivals.slice() : out, shortcutInput.slice(), shortcutSecond.slice(),
                       shortcutWeight.slice(), shortcutBias.slice()},
                      push, workgroups, 1, batch * splits);
  });
  if (splits > 1) plan.release(partial);
  return output;
}

}  // namespace afterimage::nn
