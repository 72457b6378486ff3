#include "engine/pipeline/post_effects.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "engine/gpu/gpu_error.h"

namespace afterimage::pipeline {
namespace {

struct PostEffectsPush {
  uint32_t count, first;
};

constexpr uint32_t kGroupSize = 256, kMaxGroups = 65535;

// A 3x4 affine map on RGB: row-major [m0, m1, m2, offset] per channel.
using Affine = std::array<std::array<double, 4>, 3>;

Affine compose(const Affine& after, const Affine& before) {
  Affine result{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      double v = c == 3 ? after[r][3] : 0.0;
      for (int k = 0; k < 3; ++k) v += after[r][k] * before[k][c];
      result[r][c] = v;
    }
  }
  return result;
}

Affine scaleAbout(double scale, double centre) {
  Affine a{};
  for (int r = 0; r < 3; ++r) a[r][r] = scale, a[r][3] = (1.0 - scale) * centre;
  return a;
}

}  // namespace

PostEffects postEffectsOf(const GenParams& p) {
  return {p.brightness, p.contrast, p.saturation, p.hueShift, p.strobe, p.blackout};
}

std::array<float, kPostEffectValues> postEffectValues(const PostEffects& e) {
  std::array<float, kPostEffectValues> values{};  // blackout: all zero
  if (e.blackout) return values;
  Affine m = scaleAbout(e.contrast, 0.5);
  const double luma[3] = {0.2126, 0.7152, 0.0722};
  Affine saturation{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) saturation[r][c] = (1.0 - e.saturation) * luma[c] + (r == c ? e.saturation : 0.0);
  m = compose(saturation, m);
  // Rodrigues' rotation about the unit grey axis (1, 1, 1) / sqrt(3).
  double angle = 2.0 * std::numbers::pi * e.hueShift, c = std::cos(angle), s = std::sin(angle) / std::sqrt(3.0);
  double k = (1.0 - c) / 3.0;
  Affine hue{{{c + k, k - s, k + s, 0.0}, {k + s, c + k, k - s, 0.0}, {k - s, k + s, c + k, 0.0}}};
  m = compose(hue, m);
  m = compose(scaleAbout(e.brightness, 0.0), m);
  for (int r = 0; r < 3; ++r)
    for (int col = 0; col < 4; ++col) values[r * 4 + col] = float(m[r][col]);
  values[12] = std::clamp(e.strobe, 0.0f, 1.0f);
  return values;
}

void postEffects(nn::Plan& plan, const nn::Tensor& image, const nn::Tensor& values, uint32_t first,
                 std::span<const gpu::BufferSlice> pixels) {
  if (!image.valid() || image.rank() != 4 || image.dim(0) != 1 || image.dim(1) != 3 || image.dtype() != nn::DType::F16)
    throw gpu::GpuError("postEffects: image must be f16 [1, 3, H, W], found " + nn::toString(image.shape()));
  if (!values.valid() || values.dtype() != nn::DType::F32 || values.elements() < first + kPostEffectValues)
    throw gpu::GpuError("postEffects: values must be an f32 tensor of at least " +
                        std::to_string(first + kPostEffectValues) + " elements");
  uint32_t count = image.dim(2) * image.dim(3);
  if (pixels.size() != plan.slots())
    throw gpu::GpuError("postEffects: " + std::to_string(pixels.size()) + " pixel buffers for a plan of " +
                        std::to_string(plan.slots()) + " slots");
  std::vector<gpu::BufferSlice> out;
  for (const auto& slice : pixels) {
    if (slice.size < VkDeviceSize(count) * 4)
      throw gpu::GpuError("postEffects: " + std::to_string(slice.size) + " bytes for " + std::to_string(count) +
                          " RGBA8 pixels");
    out.push_back(slice.sub(0, VkDeviceSize(count) * 4));
  }
  const gpu::ComputePipeline* pipeline =
      &plan.context().pipelines().get({"post_effects", 3, sizeof(PostEffectsPush), {}});
  uint32_t groups = std::clamp((count + kGroupSize - 1) / kGroupSize, 1u, kMaxGroups);
  PostEffectsPush push{count, first};
  plan.addSlotStep([=](gpu::CommandSequence& sequence, size_t slot) {
    sequence.dispatch(*pipeline, {image.slice(), values.slice(), out[slot]}, push, groups);
  });
}

}  // namespace afterimage::pipeline
