// The post effects on the generator's decoded picture: contrast,
// saturation, hue, brightness, strobe and blackout, applied in that order,
// then clamped to [0, 1] and packed as RGBA8 for presentation or encoding.
// The colour steps are affine, so the host folds them into one 3x4 matrix
// and the shader reads it (with the strobe) from a GPU tensor: a recorded
// plan replays with new effects every frame.
#pragma once
#include <array>
#include <span>

#include "engine/gpu/memory_arena.h"
#include "engine/nn/plan.h"
#include "engine/pipeline/gen_params.h"

namespace afterimage::pipeline {

// Per pixel, on RGB in [0, 1] (the decoder's output, not yet clamped):
//   contrast:   v = (v - 0.5) * contrast + 0.5          (about mid-grey)
//   saturation: v = luma + (v - luma) * saturation       (Rec. 709 luma)
//   hue:        rotation about the grey axis by hueShift turns (1 = 360 degrees)
//   brightness: v = v * brightness
//   strobe:     v = v + (1 - v) * strobe                 (0..1 towards white)
//   blackout:   v = 0 (over everything else)
struct PostEffects {
  float brightness = 1.0f, contrast = 1.0f, saturation = 1.0f, hueShift = 0.0f, strobe = 0.0f;
  bool blackout = false;
};
PostEffects postEffectsOf(const GenParams& params);

constexpr uint32_t kPostEffectValues = 13;
// What the shader reads: rows r, g, b of [m0, m1, m2, offset], then strobe.
std::array<float, kPostEffectValues> postEffectValues(const PostEffects& effects);

// Records the effects: image [1, 3, H, W] f16 -> H * W RGBA8 pixels in
// pixels[slot] for each of the plan's slots (at least 4 * H * W bytes
// each); values[first ..] as postEffectValues.
void postEffects(nn::Plan& plan, const nn::Tensor& image, const nn::Tensor& values, uint32_t first,
                 std::span<const gpu::BufferSlice> pixels);

}  // namespace afterimage::pipeline
