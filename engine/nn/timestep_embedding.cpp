#include "engine/nn/timestep_embedding.h"

#include <cmath>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct TimestepPush {
  uint32_t batch, dim, half, cosFirst;
};

}  // namespace

Tensor timestepEmbedding(Plan& plan, const Tensor& timesteps, const TimestepEmbeddingOptions& options) {
  if (!timesteps.valid() || timesteps.dtype() != DType::F32 || timesteps.rank() != 1)
    throw gpu::GpuError("timestepEmbedding: timesteps must be f32 [B], found " + toString(timesteps.shape()));
  uint32_t half = options.dim / 2;
  if (half == 0 || float(half) <= options.downscaleFreqShift || options.maxPeriod <= 0.0f)
    throw gpu::GpuError("timestepEmbedding: dim " + std::to_string(options.dim) + " with frequency shift " +
                        std::to_string(options.downscaleFreqShift) + " and max period " +
                        std::to_string(options.maxPeriod) + " gives no valid frequencies");

  // The frequencies in PyTorch's own f32 arithmetic, so t * f matches it bit
  // for bit whatever the GPU's exp precision.
  std::vector<float> frequencies(half);
  float logPeriod = static_cast<float>(-std::log(double(options.maxPeriod)));
  float denominator = float(half) - options.downscaleFreqShift;
  for (uint32_t i = 0; i < half; ++i) frequencies[i] = std::exp(logPeriod * float(i) / denominator);
  Tensor frequencyTensor = plan.persistent({half}, DType::F32);
  writeTensor(plan.context(), frequencyTensor, frequencies);

  uint32_t batch = timesteps.dim(0);
  Tensor output = plan.allocate({batch, options.dim});
  const auto& pipeline = plan.context().pipelines().get({"timestep_embedding", 3, sizeof(TimestepPush), {}});
  TimestepPush push{batch, options.dim, half, options.flipSinToCos ? 1u : 0u};
  uint32_t groups = (batch * options.dim + 63) / 64;
  plan.add([&pipeline, timesteps, frequencyTensor, output, push, groups](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {timesteps.slice(), frequencyTensor.slice(), output.slice()}, push, groups);
  });
  return output;
}

}  // namespace afterimage::nn
