// GEGLU, the gated feed-forward activation of the SD UNet's transformer
// blocks (diffusers GEGLU): input [..., 2F] -> [..., F] =
// input[..., :F] * GELU(input[..., F:]), exact (erf) GELU.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

Tensor geglu(Plan& plan, const Tensor& input);

}  // namespace afterimage::nn
