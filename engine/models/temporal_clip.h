// Temporal layers over the UNet call's images as one clip, both ways (as the
// motion modules were trained), with every temporal attention's weights of
// the other frames scaled by a tensor of the plan: the sampler's sliding
// window (sampler_graph.h) runs each frame's window through it.
#pragma once
#include "engine/models/motion_adapter.h"

namespace afterimage::models {

class TemporalClip : public UNetLayerHook {
 public:
  // memory: f32 [1] of the plan, 0..1 (MotionAdapter::temporalTransformer's
  // otherFramesWeight), written by the caller each frame.
  TemporalClip(const MotionAdapter& adapter, nn::Tensor memory);

  // The UNet call's N images are N frames of one clip, oldest first.
  nn::Tensor afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) override;

 private:
  const MotionAdapter& adapter_;
  nn::Tensor memory_;
};

}  // namespace afterimage::models
