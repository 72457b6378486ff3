#include "engine/models/self_attention_bank.h"

#include <stdexcept>
#include <string>

#include "engine/nn/attention.h"
#include "engine/nn/feature_bank.h"

namespace afterimage::models {

SelfAttentionBank::SelfAttentionBank(uint32_t frames, nn::Tensor state) : frames_(frames), state_(std::move(state)) {
  if (frames < 1 || frames > nn::kFeatureBankMaxFrames)
    throw std::runtime_error("feature bank of " + std::to_string(frames) + " frames: it must be from 1 to " +
                             std::to_string(nn::kFeatureBankMaxFrames));
}

nn::Tensor SelfAttentionBank::bankOf(nn::Plan& plan, const nn::Tensor& frame) {
  nn::Shape shape = frame.shape();
  shape[0] *= frames_;
  nn::Tensor bank = plan.persistent(shape);
  bytes_ += bank.bytes();
  return bank;
}

nn::Tensor SelfAttentionBank::attend(nn::Plan& plan, const nn::Tensor& q, const nn::Tensor& k, const nn::Tensor& v,
                                     uint32_t heads) {
  nn::Tensor bankKeys = bankOf(plan, k), bankValues = bankOf(plan, v);
  nn::Tensor attended = nn::featureBankAttention(plan, q, k, v, bankKeys, bankValues, state_, heads);
  nn::featureBankWrite(plan, k, bankKeys, state_);
  nn::featureBankWrite(plan, v, bankValues, state_);
  return attended;
}

nn::Tensor SelfAttentionBank::fuse(nn::Plan& plan, const nn::Tensor& output) {
  nn::Tensor bank = bankOf(plan, output);
  nn::Tensor fused = nn::featureBankFuse(plan, output, bank, state_);
  nn::featureBankWrite(plan, output, bank, state_);
  return fused;
}

}  // namespace afterimage::models
