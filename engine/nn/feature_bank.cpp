#include "engine/nn/feature_bank.h"

#include <algorithm>
#include <cmath>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct FeatureBankWritePush {
  uint32_t frameElements, slots;
};

constexpr uint32_t kGroupSize = 256;  // local_size_x of shaders/feature_bank_write.comp
constexpr uint32_t kMaxGroups = 4096;

}  // namespace

void featureBankWrite(Plan& plan, const Tensor& k, const Tensor& v, const Tensor& bankKeys, const Tensor& bankValues,
                      const Tensor& state) {
  bool frameOk = k.valid() && k.dtype() == DType::F16 && k.rank() == 3 && k.shape() == v.shape() &&
                 v.dtype() == DType::F16;
  bool bankOk = frameOk && bankKeys.valid() && bankKeys.dtype() == DType::F16 && bankKeys.rank() == 3 &&
                bankKeys.shape() == bankValues.shape() && bankValues.dtype() == DType::F16 &&
                bankKeys.dim(0) % k.dim(0) == 0 && bankKeys.dim(0) > 0 && bankKeys.dim(1) == k.dim(1) &&
                bankKeys.dim(2) == k.dim(2);
  if (!bankOk)
    throw gpu::GpuError("featureBankWrite: k and v f16 [B, T, C] (got " + toString(k.shape()) + ", " +
                        toString(v.shape()) + ") and a bank of f16 [S * B, T, C] (got " + toString(bankKeys.shape()) +
                        ", " + toString(bankValues.shape()) + ")");
  if (!state.valid() || state.dtype() != DType::F32 || state.elements() != 3)
    throw gpu::GpuError("featureBankWrite: the bank's state must be f32 [3], got " + toString(state.shape()));
  FeatureBankWritePush push{uint32_t(k.elements()), bankKeys.dim(0) / k.dim(0)};
  uint32_t groups = std::clamp(uint32_t((bankKeys.elements() + kGroupSize - 1) / kGroupSize), 1u, kMaxGroups);
  const auto& pipeline = plan.context().pipelines().get({"feature_bank_write", 5, sizeof(FeatureBankWritePush), {}});
  plan.add([&pipeline, k, v, state, bankKeys, bankValues, push, groups](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {k.slice(), v.slice(), state.slice(), bankKeys.slice(), bankValues.slice()}, push,
                      groups);
  });
}

std::array<float, 3> FeatureBankCursor::next(float weight, bool reset) {
  if (reset || !started_) sinceReset_ = 0;
  else ++sinceReset_;
  started_ = true;
  float clamped = std::isfinite(weight) ? std::clamp(weight, 0.0f, 1.0f) : 0.0f;
  return {clamped, sinceReset_ == 0 ? 1.0f : 0.0f, float(sinceReset_ % slots_)};
}

}  // namespace afterimage::nn
