// Matrix multiply: C = alpha * A * B (+ bias), batched, f16 storage with f32
// accumulation. Linear layers call it with B the PyTorch weight [out, in],
// i.e. transposed. Two kernels compute the same thing: a shared-memory tiled
// one for GPUs (shaders/matmul.comp) and a register-tiled one for CPU Vulkan
// devices such as lavapipe (shaders/matmul_register.comp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/gpu/command_sequence.h"

namespace afterimage::nn {

struct MatmulShape {
  uint32_t M = 0, N = 0, K = 0;
  uint32_t batch = 1;
  bool bTransposed = false;  // B stored [N, K]
  float alpha = 1.0f;
  double flops() const { return 2.0 * M * N * K * batch; }
};

enum class MatmulKernel {
  Auto,      // chosen from the device type (chooseMatmulKernel)
  Tiled,     // 64x64 shared-memory tiles: discrete and integrated GPUs
  Register,  // 16x16 blocks per invocation, no shared memory: CPU devices (llvmpipe)
};

MatmulKernel chooseMatmulKernel(const gpu::DeviceInfo& device);
const char* matmulKernelName(MatmulKernel kernel);
// "auto", "tiled" or "register"; throws std::invalid_argument otherwise.
MatmulKernel parseMatmulKernel(const std::string& name);

// Records one matmul into `sequence`. a, b, c are f16 buffers holding the
// whole batch, densely packed; bias (f16 [N]) may be an empty slice.
void recordMatmul(gpu::Context& context, gpu::CommandSequence& sequence, const MatmulShape& shape,
                  const gpu::BufferSlice& a, const gpu::BufferSlice& b, const gpu::BufferSlice& bias,
                  const gpu::BufferSlice& c, MatmulKernel kernel = MatmulKernel::Auto);

// Plain CPU reference on f32 values (tests).
std::vector<float> matmulReference(const MatmulShape& shape, const std::vector<float>& a, const std::vector<float>& b,
                                   const std::vector<float>& bias);

}  // namespace afterimage::nn
