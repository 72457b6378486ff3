// The UNet's self-attention extended over a feature bank (StreamV2V,
// training-free for any image UNet): each self-attention layer of one UNet
// call keeps its keys and values of the last S frames in a ring recorded into
// the plan (nn/feature_bank.h) and the new frame attends to them beside its
// own. One SelfAttentionBank per UNet call of the plan (each denoising step
// keeps its own frames); all share one state tensor the caller writes each
// frame (nn::FeatureBankCursor). Memory is fixed when the plan is built.
#pragma once
#include <cstdint>

#include "engine/nn/plan.h"

namespace afterimage::models {

class SelfAttentionBank {
 public:
  // frames: S, 1 to nn::kFeatureBankMaxFrames. state: f32 [3] of the plan.
  SelfAttentionBank(uint32_t frames, nn::Tensor state);

  // Attention of q over k, v and this layer's banked frames, then k and v
  // kept for the next frames. The next call is the next layer.
  nn::Tensor attend(nn::Plan& plan, const nn::Tensor& q, const nn::Tensor& k, const nn::Tensor& v, uint32_t heads);

  uint32_t frames() const { return frames_; }
  VkDeviceSize bytes() const { return bytes_; }

 private:
  uint32_t frames_;
  nn::Tensor state_;
  VkDeviceSize bytes_ = 0;
};

}  // namespace afterimage::models
