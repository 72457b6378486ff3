// Matrix multiply: C = act(alpha * A * B (+ bias) (+ residual)), batched, f16
// storage with f32 accumulation. Linear layers call it with B the PyTorch weight [out, in],
// i.e. transposed. Three kernels compute the same thing: a shared-memory
// tiled one for GPUs (shaders/matmul.comp), a register-tiled one for CPU
// Vulkan devices such as lavapipe (shaders/matmul_register.comp), and one on
// tensor cores (cooperative matrices, shaders/matmul_coopmat.comp) where the
// device has them and the shape's rows are whole 16-byte words.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/gpu/command_sequence.h"
#include "engine/nn/activation.h"
#include "engine/nn/coopmat_tile.h"

namespace afterimage::nn {

struct MatmulShape {
  uint32_t M = 0, N = 0, K = 0;
  uint32_t batch = 1;
  bool bTransposed = false;  // B stored [N, K]
  float alpha = 1.0f;
  bool aShared = false;  // one A [M, K] for every batch item (a weight applied to a batch)
  double flops() const { return 2.0 * M * N * K * batch; }
};

enum class MatmulKernel {
  Auto,      // chosen from the device type (chooseMatmulKernel)
  Tiled,     // 64x64 shared-memory tiles: discrete and integrated GPUs
  Register,  // 16x16 blocks per invocation, no shared memory: CPU devices (llvmpipe)
  Coopmat,   // tensor cores (VK_NV_cooperative_matrix), tile from chooseCoopmatTile
};

MatmulKernel chooseMatmulKernel(const gpu::DeviceInfo& device);
const char* matmulKernelName(MatmulKernel kernel);
// "auto", "tiled", "register" or "coopmat"; throws std::invalid_argument otherwise.
MatmulKernel parseMatmulKernel(const std::string& name);

// Whether the tensor-core kernel takes this shape: K and N multiples of 8
// (rows of whole 16-byte words) and the device has the kernels.
bool coopmatMatmulFits(const gpu::DeviceInfo& device, const MatmulShape& shape);

// What the kernel does to alpha * A * B before storing it, in this order; each
// part is optional (an empty slice: none). Fusing them saves a pass over C.
struct MatmulEpilogue {
  gpu::BufferSlice bias;  // f16 [N], or [M] with biasPerRow
  bool biasPerRow = false;
  gpu::BufferSlice residual;  // f16, C's layout
  Activation activation = Activation::None;
  // GEGLU: B's columns come in (value, gate) pairs, 2j and 2j + 1 (N even),
  // and C is [M, N / 2]: value * GELU(gate) after alpha and the bias per
  // column; no residual, activation or bias per row.
  bool geglu = false;
};

// What the kernel does to each row of A as it loads it: a layer norm over K,
// (a - mean) / sqrt(variance + eps) * gamma[k] + beta[k] (a transformer's
// LayerNorm before its first layer), so the normalized rows are never
// stored. Empty gamma: none. Then, where `add` is given, + add[row /
// rowsPerAdd, k] (f16 [M / rowsPerAdd, K]: a motion module's frame positions,
// one row per frame of rowsPerAdd pixels).
struct MatmulRowNorm {
  gpu::BufferSlice gamma, beta;  // f16 [K]
  float eps = 1e-5f;
  gpu::BufferSlice add;
  uint32_t rowsPerAdd = 1;
};

// Records one matmul into `sequence`. a, b, c are f16 buffers holding the
// whole batch, densely packed (a only once when shape.aShared). Auto
// takes the tensor cores where coopmatMatmulFits, else the device type's
// kernel; `tile` (coopmat only) overrides chooseCoopmatTile. Returns the
// kernel recorded.
MatmulKernel recordMatmul(gpu::Context& context, gpu::CommandSequence& sequence, const MatmulShape& shape,
                          const gpu::BufferSlice& a, const gpu::BufferSlice& b, const MatmulEpilogue& epilogue,
                          const gpu::BufferSlice& c, MatmulKernel kernel = MatmulKernel::Auto,
                          const CoopmatTile* tile = nullptr, const MatmulRowNorm& rowNorm = {});

// Plain CPU reference on f32 values (tests): bias per column, no residual or activation.
std::vector<float> matmulReference(const MatmulShape& shape, const std::vector<float>& a, const std::vector<float>& b,
                                   const std::vector<float>& bias);

}  // namespace afterimage::nn
