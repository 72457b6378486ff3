#include "engine/nn/channel_anchor.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct ChannelAnchorPush {
  uint32_t channels, plane;
};

}  // namespace

Shape channelAnchorStateShape(uint32_t channels) { return {2 * channels}; }

void channelAnchor(Plan& plan, const Tensor& latent, const Tensor& state, const Tensor& control,
                   const ChannelAffine& coefficients) {
  if (!latent.valid() || latent.rank() != 4 || latent.dim(0) != 1 || latent.dtype() != DType::F16)
    throw gpu::GpuError("channelAnchor: the latent must be f16 [1, C, H, W], found " + toString(latent.shape()));
  const uint32_t channels = latent.dim(1);
  if (!state.valid() || state.dtype() != DType::F32 || state.shape() != channelAnchorStateShape(channels))
    throw gpu::GpuError("channelAnchor: the state must be f32 " + toString(channelAnchorStateShape(channels)));
  if (!control.valid() || control.dtype() != DType::F32 || control.elements() != 2)
    throw gpu::GpuError("channelAnchor: the control must be f32 [2] (amount, take the reference)");
  for (const Tensor* t : {&coefficients.scale, &coefficients.offset})
    if (!t->valid() || t->dtype() != DType::F16 || t->elements() != channels)
      throw gpu::GpuError("channelAnchor: the scale and offset must be f16 with " + std::to_string(channels) +
                          " elements");
  ChannelAnchorPush push{channels, latent.dim(2) * latent.dim(3)};
  const gpu::ComputePipeline* pipeline =
      &plan.context().pipelines().get({"channel_anchor", 5, sizeof(ChannelAnchorPush), {}});
  plan.add([=](gpu::CommandSequence& sequence) {
    sequence.dispatch(*pipeline,
                      {latent.slice(), state.slice(), control.slice(), coefficients.scale.slice(),
                       coefficients.offset.slice()},
                      push, channels);
  });
}

}  // namespace afterimage::nn
