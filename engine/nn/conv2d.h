// 2-D convolution, NCHW, square kernels (1x1 and 3x3 used), stride 1 or 2,
// zero padding, optional bias, any channel counts. Optional fused epilogue:
// + residual (same shape as the output), then an activation.
#pragma once
#include "engine/gpu/device_info.h"
#include <optional>

#include "engine/nn/activation.h"
#include "engine/nn/coopmat_tile.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

struct Conv2dWeights {
  Tensor weight;  // [Cout, Cin, k, k]
  Tensor bias;    // [Cout], or invalid for none
};

// How shaders/conv2d.comp splits the work; changes speed, not results.
// Zeros: chosen for the device (conv2dTilingFor).
struct Conv2dTiling {
  uint32_t channels = 0;  // output channels per invocation, a multiple of lanes, <= 64
  uint32_t pixels = 0;    // consecutive output pixels of a row per invocation, 1..16
  uint32_t lanes = 0;     // subgroup lanes sharing weight loads (1: none), a power of two <= the subgroup size
};

enum class Conv2dKernel {
  Auto,     // tensor cores where conv2dCoopmatFits, else Plain
  Plain,    // shaders/conv2d.comp with the tiling
  Coopmat,  // shaders/conv2d_coopmat.comp: implicit GEMM on tensor cores
};

// A ResNet's projection shortcut added in the same pass: the output gets
// + a 1x1 convolution (stride 1, no padding) of `input`, or of [input,
// concatenated] along channels, whose size is the output's. The shortcut's
// input channels extend the sum's K, so its product is neither stored nor
// read back.
struct Conv2dShortcut {
  Tensor input, concatenated;
  Conv2dWeights weights;  // weight [Cout, Cs, 1, 1]; bias [Cout] or invalid
  bool valid() const { return weights.weight.valid(); }
};

struct Conv2dOptions {
  uint32_t stride = 1;
  uint32_t padding = 1;
  Activation activation = Activation::None;
  Conv2dTiling tiling = {};
  Conv2dKernel kernel = Conv2dKernel::Auto;
  std::optional<CoopmatLaunch> launch;  // tensor-core kernel only: instead of chooseCoopmatLaunch's (benchmarks)
  // The input nearest-upsampled x2 first (diffusers' Upsample2D, TAESD's
  // Upsample before a conv), read in place: the larger input is never stored.
  bool upsample = false;
  // Plain kernel only: the input channels split this many ways, each
  // split's partial sums added by the last split of a tile to finish
  // (1: none; 0: as the layer and the device ask, see conv2d.cpp).
  uint32_t splits = 0;
  // The input is [input, concatenated] along channels (the same batch and
  // size), read in place: a UNet up block's [h, skip] is never stored.
  Tensor concatenated;
  // Not with a residual.
  Conv2dShortcut shortcut;
};

inline constexpr uint32_t kMaxConv2dSplits = 16;

// A bias per image and output channel instead of the weights' per-channel
// one: bias[n][c] = table[n, offset + c], table [N, stride] f16 made by the
// plan (a UNet's time-embedding projections of all its ResNets in one GEMM,
// each ResNet's first convolution adding its columns).
struct ImageChannelBias {
  Tensor table;
  uint32_t offset = 0;
};

// Whether the tensor-core kernel takes a layer: the device has the kernels,
// and weight rows (Cin * k * k) and output rows are whole 16-byte words.
bool conv2dCoopmatFits(const gpu::DeviceInfo& device, uint32_t inChannels, uint32_t kernel, uint32_t outWidth);

// The device's default tiling: weights shared across the subgroup on CPU
// devices (lavapipe), where every memory load is a per-lane loop; plain
// uniform weight loads on GPUs (not yet measured on one).
Conv2dTiling conv2dTilingFor(const gpu::DeviceInfo& device);

// input [N, Cin, H, W] -> output [N, Cout, (H + 2p - k) / s + 1, ...] (H, W doubled first with
// options.upsample), a new activation of `plan`.
// imageBias, when its table is valid, replaces weights.bias (which must then be invalid).
Tensor conv2d(Plan& plan, const Tensor& input, const Conv2dWeights& weights, const Conv2dOptions& options = {},
              const Tensor& residual = {}, const ImageChannelBias& imageBias = {});

}  // namespace afterimage::nn
