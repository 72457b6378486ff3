// Resampling of NCHW images.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// Nearest-neighbour upsampling by 2 in H and W.
Tensor upsampleNearest2x(Plan& plan, const Tensor& input);

}  // namespace afterimage::nn
