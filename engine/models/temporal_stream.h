// Temporal layers streamed one frame at a time (the live generator's way):
// each temporal layer keeps the inputs it saw for the last window - 1 frames
// in a buffer of the plan and attends causally over them and the new frame,
// so a frame depends on the past only and latency stays one frame. Memory is
// fixed when the plan is built (historyBytes()); nothing is allocated per frame.
//
// One TemporalStream per UNet call of the plan (each denoising step keeps its
// own history). After a reset (start, a cut) the history is the first frame
// repeated: the window's older frames are that frame until enough have come.
#pragma once
#include <vector>

#include "engine/models/motion_adapter.h"

namespace afterimage::models {

class TemporalStream : public UNetLayerHook {
 public:
  // window: frames a layer attends over, the new one included (2 to the
  // adapter's maxFrames). reset: an f32 [1] tensor of the plan, 1 on a frame
  // that starts a new history, 0 otherwise (written by the caller each frame;
  // several streams may share it). memory: an f32 [1] tensor of the plan,
  // 0..1, how much each frame attends to the others (the past) beside
  // itself, written likewise; invalid: as 1, without the weighting.
  TemporalStream(const MotionAdapter& adapter, uint32_t window, nn::Tensor reset, nn::Tensor memory = {});

  // The UNet call's image is the next frame (batch 1).
  nn::Tensor afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) override;

  uint32_t window() const { return window_; }
  VkDeviceSize historyBytes() const { return historyBytes_; }

 private:
  const MotionAdapter& adapter_;
  uint32_t window_;
  nn::Tensor reset_, memory_;
  std::vector<nn::Tensor> histories_;  // one per layer, [window - 1, C, H, W]
  VkDeviceSize historyBytes_ = 0;
};

}  // namespace afterimage::models
