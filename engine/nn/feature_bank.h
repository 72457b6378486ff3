// A feature bank (StreamV2V): a self-attention layer's keys, values and
// outputs of the last S frames, kept in rings of S slots of the plan. Its
// keys and values extend the next frames' attention (featureBankAttention,
// attention.h) and its outputs pull the next frames' outputs towards
// themselves where they are alike (featureBankFuse). The state is one f32
// [4] tensor the caller writes each frame, shared by every layer:
// {weight: how much the banked keys are attended to, 0..1;
//  reset: nonzero on a frame that starts the bank afresh (the bank is not
//         read, and the frame fills every slot);
//  slot: the slot the frame goes to;
//  fusion: how far an output token moves to its nearest banked one, 0..1}.
#pragma once
#include <array>
#include <cstdint>

#include "engine/nn/plan.h"

namespace afterimage::nn {

constexpr uint32_t kFeatureBankMaxFrames = 16;
constexpr uint32_t kFeatureBankStateValues = 4;
// StreamV2V's feature fusion: a token takes a banked one at cosine
// similarity 0.98 and above, moving 0.8 of the way to it (at weight 1).
constexpr float kFeatureFusionThreshold = 0.98f;
constexpr float kFeatureFusionStrength = 0.8f;

// Writes `frame` [B, T, C] into `bank` [S * B, T, C] (slot s is rows
// s * B .. s * B + B - 1): into the state's slot, or every slot on a reset
// frame.
void featureBankWrite(Plan& plan, const Tensor& frame, const Tensor& bank, const Tensor& state);

// Feature fusion: output [B, T, C] against the banked outputs [S * B, T, C]
// -> [B, T, C]: each token moved by the state's fusion strength towards its
// nearest banked token of the same batch item (cosine similarity), where
// that similarity is at least `threshold`; unchanged on a reset frame.
Tensor featureBankFuse(Plan& plan, const Tensor& output, const Tensor& bank, const Tensor& state,
                       float threshold = kFeatureFusionThreshold);

// The state values frame by frame: a reset frame, then each next frame into
// the slot after the previous one's; the fusion strength follows the weight.
class FeatureBankCursor {
 public:
  explicit FeatureBankCursor(uint32_t slots) : slots_(slots) {}
  // The state for the next frame; weight is clamped to [0, 1] (not a number: 0).
  std::array<float, kFeatureBankStateValues> next(float weight, bool reset);

 private:
  uint32_t slots_;
  uint64_t sinceReset_ = 0;
  bool started_ = false;
};

}  // namespace afterimage::nn
