// Copies of a range of a tensor's first dimension (frames of a clip), as
// buffer copies: the newest frame out of a window, a window's tail into a
// history.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// Rows first .. first + count - 1 of `source` -> a new tensor [count, ...].
Tensor copyRows(Plan& plan, const Tensor& source, uint32_t first, uint32_t count);
// Rows first .. first + destination.dim(0) - 1 of `source` into `destination`
// (same row shape and type).
void copyRowsInto(Plan& plan, const Tensor& source, uint32_t first, const Tensor& destination);

}  // namespace afterimage::nn
