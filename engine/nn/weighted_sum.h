// out = sum_i coefficients[first + i] * inputs[i], with the coefficients in
// an f32 tensor on the GPU: a recorded plan (the sampler's few steps) takes
// new scalars every frame without being recorded again.
#pragma once
#include <vector>

#include "engine/nn/plan.h"

namespace afterimage::nn {

// 1 to 3 f16 inputs of one shape. `output`, when given (e.g. a persistent
// state tensor, possibly one of the inputs), receives the result; otherwise
// a new activation does.
Tensor weightedSum(Plan& plan, const std::vector<Tensor>& inputs, const Tensor& coefficients, uint32_t first,
                   const Tensor& output = {});

}  // namespace afterimage::nn
