#include "engine/nn/normalization.h"

#include <algorithm>
#include <array>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct NormalizationPush {
  uint32_t segments, segmentLength, spatial, channelsPerGroup, groupsPerSample;
  float eps;
  uint32_t firstElements = 0;  // with a second input: elements per sample of the first (normalization_input.glsl)
};

struct SplitNormalizationPush {
  NormalizationPush segment;
  uint32_t chunks, chunkLength;
};

constexpr uint32_t kMaxGroupsX = 65535;
constexpr uint32_t kSerialWorkgroupSize = 64;  // shaders/normalization_serial.comp

void checkAffine(const char* op, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t channels) {
  for (auto [name, t] : {std::pair<const char*, const Tensor*>{"gamma", &gamma}, {"beta", &beta}}) {
    if (t->dtype() != DType::F16 || t->elements() != channels)
      throw gpu::GpuError(std::string(op) + ": " + name + " must be f16 with " + std::to_string(channels) +
                          " elements for input " + toString(input.shape()) + ", found " + toString(t->shape()));
  }
}

// Invocations per workgroup of the Workgroup kernel: on lavapipe a 256-wide
// tree reduction cost 2.5 ms per norm in the default model's UNet, 64 about
// a third of that.
uint32_t workgroupSize(const gpu::DeviceInfo& device) { return device.type == "cpu" ? 64 : 256; }

// A GPU holds about this many workgroups at once (an H200: 132
// multiprocessors); fewer segments than this leave it mostly idle.
constexpr uint32_t kFewSegments = 256;

NormKernel chooseKernel(const gpu::DeviceInfo& device, NormKernel kernel, uint32_t segments, uint32_t segmentLength) {
  if (kernel != NormKernel::Auto) return kernel;
  if (device.type == "cpu")
    return segmentLength <= kSerialNormMaxLength ? NormKernel::Serial : NormKernel::Workgroup;
  return segments < kFewSegments && segmentLength >= 2 * kSplitNormChunkLength ? NormKernel::Split
                                                                               : NormKernel::Workgroup;
}

// Split: chunk statistics, then merge and normalise (shaders/normalization_split.comp).
Tensor normalizeSplit(Plan& plan, const Tensor& input, const Tensor& second, const Tensor& gamma, const Tensor& beta,
                      NormalizationPush segment, Activation activation, const Shape& outputShape, uint32_t channelsLast) {
  SplitNormalizationPush push{segment, (segment.segmentLength + kSplitNormChunkLength - 1) / kSplitNormChunkLength,
                              kSplitNormChunkLength};
  if (segment.segments > kMaxGroupsX)
    throw gpu::GpuError("normalization: " + std::to_string(segment.segments) + " segments, the split kernel takes " +
                        std::to_string(kMaxGroupsX));
  auto& pipelines = plan.context().pipelines();
  uint32_t concatenated = second.valid() ? 1u : 0u;
  const auto& statistics = pipelines.get(
      {"normalization_split", 6, sizeof(SplitNormalizationPush), {uint32_t(activation), 0u, channelsLast, concatenated}});
  const auto& apply = pipelines.get(
      {"normalization_split", 6, sizeof(SplitNormalizationPush), {uint32_t(activation), 1u, channelsLast, concatenated}});
  Tensor partials = plan.allocate({segment.segments, push.chunks, 2}, DType::F32);
  Tensor output = plan.allocate(outputShape);
  plan.add([&statistics, &apply, input, second, gamma, beta, output, partials, push](gpu::CommandSequence& sequence) {
    std::array bindings{input.slice(),  gamma.slice(),    beta.slice(),
                        output.slice(), partials.slice(), second.valid() ? second.slice() : input.slice()};
    sequence.dispatch(statistics, bindings, &push, sizeof push, push.chunks, push.segment.segments);
    sequence.dispatch(apply, bindings, &push, sizeof push, push.chunks, push.segment.segments);
  });
  plan.release(partials);
  return output;
}

// Workgroup: one workgroup per segment (shaders/normalization.comp).
// Serial: one invocation per segment (shaders/normalization_serial.comp).
// channelsLast: the output is [N, spatial, C] (shaders/normalization_layout.glsl).
// second (group norm only): the input is [input, second] along channels, read in place.
Tensor normalize(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, NormalizationPush push,
                 Activation activation, NormKernel kernel, bool channelsLast = false, const Tensor& second = {}) {
  const gpu::DeviceInfo& device = plan.context().info();
  NormKernel chosen = chooseKernel(device, kernel, push.segments, push.segmentLength);
  uint32_t layout = channelsLast ? 1u : 0u, concatenated = second.valid() ? 1u : 0u;
  Shape outputShape = input.shape();
  if (second.valid()) outputShape[1] += second.dim(1);
  if (channelsLast) outputShape = {input.dim(0), push.spatial, outputShape[1]};
  if (chosen == NormKernel::Split)
    return normalizeSplit(plan, input, second, gamma, beta, push, activation, outputShape, layout);
  bool serial = chosen == NormKernel::Serial;
  const auto& pipeline =
      serial ? plan.context().pipelines().get(
                   {"normalization_serial", 5, sizeof(NormalizationPush), {uint32_t(activation), layout, concatenated}})
             : plan.context().pipelines().get({"normalization", 5, sizeof(NormalizationPush),
                                               {uint32_t(activation), workgroupSize(device), layout, concatenated}});
  Tensor output = plan.allocate(outputShape);
  uint32_t workgroups = serial ? (push.segments + kSerialWorkgroupSize - 1) / kSerialWorkgroupSize : push.segments;
  uint32_t groupsX = std::min(workgroups, kMaxGroupsX);
  uint32_t groupsY = (workgroups + groupsX - 1) / groupsX;
  plan.add([&pipeline, input, second, gamma, beta, output, push, groupsX, groupsY](gpu::CommandSequence& sequence) {
    gpu::BufferSlice in = input.slice();
    sequence.dispatch(pipeline, {in, gamma.slice(), beta.slice(), output.slice(), second.valid() ? second.slice() : in},
                      push, groupsX, groupsY);
  });
  return output;
}

}  // namespace

namespace {

// second: the input is [input, second] along channels (same N and spatial shape).
NormalizationPush groupNormSegments(const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups,
                                    float eps, const Tensor& second = {}) {
  if (input.dtype() != DType::F16 || input.rank() < 2)
    throw gpu::GpuError("groupNorm: input must be f16 [N, C, ...], found " + toString(input.shape()));
  uint32_t batch = input.dim(0), channels = input.dim(1);
  if (second.valid()) {
    Shape alike = second.shape();
    bool matches = second.dtype() == DType::F16 && alike.size() == input.rank();
    if (matches) alike[1] = channels;
    if (!matches || alike != input.shape())
      throw gpu::GpuError("groupNorm: the second input " + toString(second.shape()) +
                          " must be f16 with the first's batch and spatial shape, " + toString(input.shape()));
    channels += second.dim(1);
  }
  if (groups == 0 || channels % groups != 0)
    throw gpu::GpuError("groupNorm: " + std::to_string(channels) + " channels do not split into " +
                        std::to_string(groups) + " groups");
  checkAffine("groupNorm", input, gamma, beta, channels);
  uint32_t spatial = static_cast<uint32_t>(input.elements() / (size_t(batch) * input.dim(1)));
  uint32_t channelsPerGroup = channels / groups;
  return {batch * groups, channelsPerGroup * spatial, spatial, channelsPerGroup, groups, eps, input.dim(1) * spatial};
}

}  // namespace

Tensor groupNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups, float eps,
                 Activation activation, NormKernel kernel) {
  return normalize(plan, input, gamma, beta, groupNormSegments(input, gamma, beta, groups, eps), activation, kernel);
}

Tensor groupNormConcatenated(Plan& plan, const Tensor& first, const Tensor& second, const Tensor& gamma,
                             const Tensor& beta, uint32_t groups, float eps, Activation activation, NormKernel kernel) {
  return normalize(plan, first, gamma, beta, groupNormSegments(first, gamma, beta, groups, eps, second), activation,
                   kernel, false, second);
}

Tensor groupNormToTokens(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, uint32_t groups,
                         float eps, NormKernel kernel) {
  return normalize(plan, input, gamma, beta, groupNormSegments(input, gamma, beta, groups, eps), Activation::None,
                   kernel, true);
}

Tensor layerNorm(Plan& plan, const Tensor& input, const Tensor& gamma, const Tensor& beta, float eps,
                 NormKernel kernel) {
  if (input.dtype() != DType::F16 || input.rank() < 1)
    throw gpu::GpuError("layerNorm: input must be f16, found " + toString(input.shape()));
  uint32_t channels = input.dim(-1);
  checkAffine("layerNorm", input, gamma, beta, channels);
  uint32_t rows = static_cast<uint32_t>(input.elements() / channels);
  return normalize(plan, input, gamma, beta, {rows, channels, 1, channels, 1, eps}, Activation::None, kernel);
}

}  // namespace afterimage::nn
