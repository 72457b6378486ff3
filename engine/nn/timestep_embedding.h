// Sinusoidal timestep embedding as diffusers' get_timestep_embedding:
// half = dim / 2, freq_i = exp(-ln(max_period) * i / (half - shift)),
// output = [cos(t f), sin(t f)] when flipSinToCos (SD's UNet) else [sin, cos].
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

struct TimestepEmbeddingOptions {
  uint32_t dim = 320;
  bool flipSinToCos = true;
  float downscaleFreqShift = 0.0f;
  float maxPeriod = 10000.0f;
};

// timesteps: f32 [B] (a persistent input written per frame) -> f16 [B, dim]
Tensor timestepEmbedding(Plan& plan, const Tensor& timesteps, const TimestepEmbeddingOptions& options = {});

}  // namespace afterimage::nn
