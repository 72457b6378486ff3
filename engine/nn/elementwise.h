// Elementwise ops with NumPy-style broadcasting of the second operand
// (e.g. [N, C, H, W] with [C, 1, 1] or [N, C, 1, 1]), up to rank 4.
#pragma once
#include "engine/nn/activation.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

Tensor add(Plan& plan, const Tensor& a, const Tensor& b, Activation activation = Activation::None);
Tensor multiply(Plan& plan, const Tensor& a, const Tensor& b);
// a * scale + offset
Tensor scale(Plan& plan, const Tensor& a, float scale, float offset = 0.0f);
Tensor activate(Plan& plan, const Tensor& a, Activation activation);

}  // namespace afterimage::nn
