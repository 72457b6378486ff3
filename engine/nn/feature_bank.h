// A feature bank (StreamV2V): a self-attention layer's keys and values of
// the last S frames, kept in a ring of S slots of the plan, read by
// featureBankAttention (attention.h) and written here after it. Its state is
// one f32 [3] tensor the caller writes each frame, shared by every layer:
// {weight: how much the banked frames are attended to, 0..1;
//  reset: nonzero on a frame that starts the bank afresh (the bank is not
//         read, and the frame fills every slot);
//  slot: the slot the frame's keys and values go to}.
#pragma once
#include <array>
#include <cstdint>

#include "engine/nn/plan.h"

namespace afterimage::nn {

constexpr uint32_t kFeatureBankMaxFrames = 16;

// Writes k and v [B, T, C] into bankKeys and bankValues [S * B, T, C] (slot s
// is rows s * B .. s * B + B - 1): into the state's slot, or every slot on a
// reset frame.
void featureBankWrite(Plan& plan, const Tensor& k, const Tensor& v, const Tensor& bankKeys, const Tensor& bankValues,
                      const Tensor& state);

// The state values frame by frame: a reset frame, then each next frame's
// keys and values into the slot after the previous one's.
class FeatureBankCursor {
 public:
  explicit FeatureBankCursor(uint32_t slots) : slots_(slots) {}
  // The state for the next frame; weight is clamped to [0, 1] (not a number: 0).
  std::array<float, 3> next(float weight, bool reset);

 private:
  uint32_t slots_;
  uint64_t sinceReset_ = 0;
  bool started_ = false;
};

}  // namespace afterimage::nn
