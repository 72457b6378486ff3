// A streamed temporal layer's window: the frames it kept plus the new one
// (shaders/temporal_window.comp). On a reset frame every slot is the new
// frame, so a history starts from the first frame repeated.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// history [W - 1, ...], newest [1, ...] (f16), reset f32 [1] (nonzero: reset)
// -> [W, ...]: history's frames oldest first, then newest.
Tensor temporalWindow(Plan& plan, const Tensor& history, const Tensor& newest, const Tensor& reset);

}  // namespace afterimage::nn
