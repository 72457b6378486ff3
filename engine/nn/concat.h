// Concatenation along channels (dim 1 of NCHW; dim -1 of [B, T, C]).
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

Tensor concatChannels(Plan& plan, const Tensor& a, const Tensor& b);

}  // namespace afterimage::nn
