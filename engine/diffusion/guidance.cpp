#include "engine/diffusion/guidance.h"

#include <stdexcept>
#include <string>

namespace afterimage::diffusion {

void combineGuidance(std::span<const float> uncond, std::span<const float> cond, float scale, std::span<float> out) {
  if (uncond.size() != cond.size() || out.size() != cond.size()) {
    throw std::invalid_argument("combineGuidance: sizes " + std::to_string(uncond.size()) + ", " +
                                std::to_string(cond.size()) + ", " + std::to_string(out.size()) + " differ");
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
}

}  // namespace afterimage::diffusion
