#include "engine/nn/temporal_attention.h"

#include <cmath>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct TemporalAttentionPush {
  uint32_t pixels, channels4;
  float scale;
};

// NVIDIA's Vulkan driver gives 48 KiB of shared memory a workgroup.
constexpr size_t kSharedBytes = 48 * 1024;
constexpr uint32_t kMaxPixels = 65535;  // Vulkan's guaranteed workgroup count along x

size_t sharedBytes(uint32_t queryFrames, uint32_t keyFrames, uint32_t headDim) {
  return size_t(queryFrames + 2 * keyFrames) * headDim * 2 + size_t(queryFrames) * keyFrames * 4;
}

}  // namespace

Tensor temporalAttention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads, bool causal,
                         const Tensor* otherFramesWeight) {
  if (otherFramesWeight && (!otherFramesWeight->valid() || otherFramesWeight->dtype() != DType::F32 ||
                            otherFramesWeight->elements() != 1))
    throw gpu::GpuError("temporalAttention: the other frames' weight must be f32 [1], found " +
                        toString(otherFramesWeight->shape()));
  for (auto [name, t] : {std::pair<const char*, const Tensor*>{"q", &q}, {"k", &k}, {"v", &v}}) {
    if (!t->valid() || t->dtype() != DType::F16 || t->rank() != 3)
      throw gpu::GpuError(std::string("temporalAttention: ") + name + " must be f16 [frames, pixels, H*D], found " +
                          toString(t->shape()));
  }
  uint32_t queryFrames = q.dim(0), pixels = q.dim(1), channels = q.dim(2), keyFrames = k.dim(0);
  if (k.shape() != v.shape() || k.dim(1) != pixels || k.dim(2) != channels)
    throw gpu::GpuError("temporalAttention: k " + toString(k.shape()) + " and v " + toString(v.shape()) +
                        " must both be [Fk, " + std::to_string(pixels) + ", " + std::to_string(channels) + "] for q " +
                        toString(q.shape()));
  if (pixels == 0 || pixels > kMaxPixels)
    throw gpu::GpuError("temporalAttention: " + std::to_string(pixels) + " pixels; 1 to " +
                        std::to_string(kMaxPixels) + " (a workgroup each) are supported");
  if (queryFrames == 0 || queryFrames > keyFrames || keyFrames > kTemporalAttentionMaxFrames)
    throw gpu::GpuError("temporalAttention: need 1 <= query frames (" + std::to_string(queryFrames) +
                        ") <= key frames (" + std::to_string(keyFrames) + ") <= " +
                        std::to_string(kTemporalAttentionMaxFrames));
  if (heads == 0 || channels % heads != 0 || (channels / heads) % 4 != 0 ||
      channels / heads > kTemporalAttentionMaxHeadDim)
    throw gpu::GpuError("temporalAttention: " + std::to_string(channels) + " channels in " + std::to_string(heads) +
                        " heads: the head dimension must be a multiple of 4, at most " +
                        std::to_string(kTemporalAttentionMaxHeadDim));
  uint32_t headDim = channels / heads;
  if (sharedBytes(queryFrames, keyFrames, headDim) > kSharedBytes)
    throw gpu::GpuError("temporalAttention: " + std::to_string(keyFrames) + " frames of head dimension " +
                        std::to_string(headDim) + " exceed a workgroup's shared memory");

  TemporalAttentionPush push{pixels, channels / 4, float(1.0 / std::sqrt(double(headDim)))};
  const bool weighted = otherFramesWeight != nullptr;
  const auto& pipeline = plan.context().pipelines().get(
      {"temporal_attention", 5, sizeof(TemporalAttentionPush),
       {headDim / 4, queryFrames, keyFrames, causal ? 1u : 0u, weighted ? 1u : 0u}});
  Tensor output = plan.allocate(q.shape());
  Tensor weight = weighted ? *otherFramesWeight : Tensor();
  plan.add([&pipeline, q, k, v, output, weight, push, pixels, heads](gpu::CommandSequence& sequence) {
    // Unweighted, the weight's binding is never read: any buffer the pass reads anyway fills it.
    gpu::BufferSlice weightBinding = weight.valid() ? weight.slice() : q.slice();
    sequence.dispatch(pipeline, {q.slice(), k.slice(), v.slice(), output.slice(), weightBinding}, push, pixels, heads);
  });
  return output;
}

}  // namespace afterimage::nn
