// A copy of a range of a tensor's first dimension (frames of a clip) into
// another tensor, as a buffer copy: a window's tail into a history.
#pragma once
#include "engine/nn/plan.h"

namespace afterimage::nn {

// Rows first .. first + destination.dim(0) - 1 of `source` into `destination`
// (same row shape and type).
void copyRowsInto(Plan& plan, const Tensor& source, uint32_t first, const Tensor& destination);

}  // namespace afterimage::nn
