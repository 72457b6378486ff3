#include "engine/models/temporal_stream.h"

#include <stdexcept>

#include "engine/nn/copy_rows.h"
#include "engine/nn/temporal_window.h"

namespace afterimage::models {

TemporalStream::TemporalStream(const MotionAdapter& adapter, uint32_t window, nn::Tensor reset, nn::Tensor memory)
    : adapter_(adapter), window_(window), reset_(std::move(reset)), memory_(std::move(memory)) {
  if (window < 2 || window > adapter.config().maxFrames)
    throw std::runtime_error("temporal window of " + std::to_string(window) + " frames: it must be from 2 to " +
                             std::to_string(adapter.config().maxFrames) + " (the motion adapter's positions)");
}

nn::Tensor TemporalStream::afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) {
  if (hidden.rank() != 4 || hidden.dim(0) != 1)
    throw std::runtime_error("temporal stream: one frame a UNet call, got " + nn::toString(hidden.shape()));
  nn::Shape historyShape = hidden.shape();
  historyShape[0] = window_ - 1;
  nn::Tensor history = plan.persistent(historyShape);
  histories_.push_back(history);
  historyBytes_ += history.bytes();

  nn::Tensor window = nn::temporalWindow(plan, history, hidden, reset_);
  nn::Tensor newest =
      adapter_.temporalTransformer(plan, site, window, true, true, memory_.valid() ? &memory_ : nullptr);
  nn::copyRowsInto(plan, window, 1, history);
  plan.release(window);
  return newest;
}

}  // namespace afterimage::models
