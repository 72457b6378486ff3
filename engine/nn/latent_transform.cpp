#include "engine/nn/latent_transform.h"

#include <algorithm>
#include <cmath>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct LatentTransformPush {
  uint32_t pixels, channels, width, height, first;
};

constexpr uint32_t kGroupSize = 256, kMaxGroups = 65535;

}  // namespace

Tensor latentTransform(Plan& plan, const Tensor& input, const Tensor& theta, uint32_t first, EdgeMode edges,
                       const Tensor& output, const ChannelAffine& channelAffine) {
  if (!input.valid() || input.rank() != 4 || input.dtype() != DType::F16)
    throw gpu::GpuError("latentTransform: input must be f16 [N, C, H, W], found " + toString(input.shape()));
  if (!theta.valid() || theta.dtype() != DType::F32 || theta.elements() < first + 6)
    throw gpu::GpuError("latentTransform: theta must be an f32 tensor holding indices " + std::to_string(first) +
                        ".." + std::to_string(first + 5));
  if (output.valid() && (output.shape() != input.shape() || output.dtype() != DType::F16))
    throw gpu::GpuError("latentTransform: output " + toString(output.shape()) + " must match the input " +
                        toString(input.shape()));
  if (output.valid() && output.sameStorage(input))
    throw gpu::GpuError("latentTransform: the output may not be the input (the warp reads neighbours)");
  bool affine = channelAffine.scale.valid() || channelAffine.offset.valid();
  for (const Tensor* t : {&channelAffine.scale, &channelAffine.offset})
    if (affine && (!t->valid() || t->dtype() != DType::F16 || t->elements() != input.dim(1)))
      throw gpu::GpuError("latentTransform: the channel scale and offset must both be f16 with " +
                          std::to_string(input.dim(1)) + " elements, found " + toString(t->shape()));
  Tensor out = output.valid() ? output : plan.allocate(input.shape());
  LatentTransformPush push{input.dim(0) * input.dim(2) * input.dim(3), input.dim(1), input.dim(3), input.dim(2),
                           first};
  uint32_t groups = std::clamp((push.pixels + kGroupSize - 1) / kGroupSize, 1u, kMaxGroups);
  const gpu::ComputePipeline* pipeline = &plan.context().pipelines().get(
      {"latent_transform", 5, sizeof(LatentTransformPush), {edges == EdgeMode::Reflect ? 0u : 1u, affine ? 1u : 0u}});
  Tensor scale = affine ? channelAffine.scale : input, offset = affine ? channelAffine.offset : input;
  plan.add([=](gpu::CommandSequence& sequence) {
    sequence.dispatch(*pipeline, {input.slice(), theta.slice(), out.slice(), scale.slice(), offset.slice()}, push,
                      groups);
  });
  return out;
}

std::array<float, 6> motionMatrix(const Motion& motion, uint32_t width, uint32_t height) {
  if (!(motion.zoom > 0.0f) || !std::isfinite(motion.zoom))
    throw std::invalid_argument("motion: zoom must be a positive number, found " + std::to_string(motion.zoom));
  // Output position q (pixels from the centre) shows input position
  // R(-rotate) q / zoom - translation; in normalised coordinates x is
  // scaled by 2 / width and y by 2 / height, hence the aspect factors.
  double c = std::cos(motion.rotate) / motion.zoom, s = std::sin(motion.rotate) / motion.zoom;
  double aspect = double(width) / double(height);
  return {float(c), float(-s / aspect), float(-2.0 * motion.translateX),
          float(s * aspect), float(c), float(-2.0 * motion.translateY)};
}

}  // namespace afterimage::nn
