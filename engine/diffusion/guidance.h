// Classifier-free guidance: out = uncond + scale * (cond - uncond), on as in
// diffusers only when scale > 1 (turbo models run with it off: one UNet
// evaluation per step instead of two).
#pragma once
#include <span>

namespace afterimage::diffusion {

inline bool guidanceEnabled(float scale) { return scale > 1.0f; }

// out = uncondWeight * uncond + condWeight * cond, the form a fused GPU op takes.
struct GuidanceWeights {
  float uncond = 0, cond = 1;
};
inline GuidanceWeights guidanceWeights(float scale) { return {1.0f - scale, scale}; }

// CPU reference; `out` may alias either input.
void combineGuidance(std::span<const float> uncond, std::span<const float> cond, float scale, std::span<float> out);

}  // namespace afterimage::diffusion
