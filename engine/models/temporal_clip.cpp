#include "engine/models/temporal_clip.h"

namespace afterimage::models {

TemporalClip::TemporalClip(const MotionAdapter& adapter, nn::Tensor memory)
    : adapter_(adapter), memory_(std::move(memory)) {}

nn::Tensor TemporalClip::afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) {
  return adapter_.temporalTransformer(plan, site, hidden, false, false, &memory_);
}

}  // namespace afterimage::models
