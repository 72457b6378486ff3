// The UNet's self-attention extended over a feature bank (StreamV2V,
// training-free for any image UNet): each self-attention layer of one UNet
// call keeps its keys, values and output of the last S frames in rings
// recorded into the plan (nn/feature_bank.h). The new frame attends to the
// banked keys and values beside its own (extended self-attention), and each
// output token moves towards its nearest banked output where the two are
// alike (feature fusion), so still parts of the picture stay as they were
// while changed ones follow the new frame. One SelfAttentionBank per UNet
// call of the plan (each denoising step keeps its own frames); all share one
// state tensor the caller writes each frame (nn::FeatureBankCursor). Memory
// is fixed when the plan is built.
#pragma once
#include <cstdint>

#include "engine/nn/plan.h"

namespace afterimage::models {

class SelfAttentionBank {
 public:
  // frames: S, 1 to nn::kFeatureBankMaxFrames. state: f32 [4] of the plan.
  SelfAttentionBank(uint32_t frames, nn::Tensor state);

  // One self-attention layer, in order: attend() returns the attention of q
  // over k, v and the layer's banked keys and values, and keeps k and v;
  // fuse() takes the layer's output (after its output projection), keeps it
  // and returns it fused with the banked outputs.
  nn::Tensor attend(nn::Plan& plan, const nn::Tensor& q, const nn::Tensor& k, const nn::Tensor& v, uint32_t heads);
  nn::Tensor fuse(nn::Plan& plan, const nn::Tensor& output);

  uint32_t frames() const { return frames_; }
  VkDeviceSize bytes() const { return bytes_; }

 private:
  nn::Tensor bankOf(nn::Plan& plan, const nn::Tensor& frame);

  uint32_t frames_;
  nn::Tensor state_;
  VkDeviceSize bytes_ = 0;
};

}  // namespace afterimage::models
