#include "engine/nn/feature_bank.h"

#include <algorithm>
#include <cmath>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct FeatureBankWritePush {
  uint32_t frameElements, slots;
};

struct FeatureBankFusePush {
  uint32_t tokens, channels4, slots, batches;
  float threshold;
};

constexpr uint32_t kWriteGroupSize = 256;  // local_size_x of shaders/feature_bank_write.comp
constexpr uint32_t kMaxWriteGroups = 4096;
constexpr uint32_t kFuseGroupSize = 64;    // local_size_x of shaders/feature_bank_fuse.comp

// frame [B, T, C] and bank [S * B, T, C], both f16; returns S.
uint32_t checkBank(const char* op, const Tensor& frame, const Tensor& bank, const Tensor& state) {
  bool ok = frame.valid() && frame.dtype() == DType::F16 && frame.rank() == 3 && bank.valid() &&
            bank.dtype() == DType::F16 && bank.rank() == 3 && bank.dim(0) > 0 && bank.dim(0) % frame.dim(0) == 0 &&
            bank.dim(1) == frame.dim(1) && bank.dim(2) == frame.dim(2);
  if (!ok)
    throw gpu::GpuError(std::string(op) + ": a frame of f16 [B, T, C] (got " + toString(frame.shape()) +
                        ") and a bank of f16 [S * B, T, C] (got " + toString(bank.shape()) + ")");
  if (!state.valid() || state.dtype() != DType::F32 || state.elements() != kFeatureBankStateValues)
    throw gpu::GpuError(std::string(op) + ": the bank's state must be f32 [" +
                        std::to_string(kFeatureBankStateValues) + "], got " + toString(state.shape()));
  return bank.dim(0) / frame.dim(0);
}

}  // namespace

void featureBankWrite(Plan& plan, const Tensor& frame, const Tensor& bank, const Tensor& state) {
  FeatureBankWritePush push{uint32_t(frame.elements()), checkBank("featureBankWrite", frame, bank, state)};
  uint32_t groups = std::clamp(uint32_t((bank.elements() + kWriteGroupSize - 1) / kWriteGroupSize), 1u, kMaxWriteGroups);
  const auto& pipeline = plan.context().pipelines().get({"feature_bank_write", 3, sizeof(FeatureBankWritePush), {}});
  plan.add([&pipeline, frame, state, bank, push, groups](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {frame.slice(), state.slice(), bank.slice()}, push, groups);
  });
}

Tensor featureBankFuse(Plan& plan, const Tensor& output, const Tensor& bank, const Tensor& state, float threshold) {
  uint32_t slots = checkBank("featureBankFuse", output, bank, state);
  if (output.dim(2) % 4 != 0)
    throw gpu::GpuError("featureBankFuse: channels must be a multiple of 4, got " + toString(output.shape()));
  FeatureBankFusePush push{output.dim(1), output.dim(2) / 4, slots, output.dim(0), threshold};
  Tensor fused = plan.allocate(output.shape());
  uint32_t groups = (output.dim(1) + kFuseGroupSize - 1) / kFuseGroupSize, batches = output.dim(0);
  const auto& pipeline = plan.context().pipelines().get({"feature_bank_fuse", 4, sizeof(FeatureBankFusePush), {}});
  plan.add([&pipeline, output, bank, state, fused, push, groups, batches](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {output.slice(), bank.slice(), state.slice(), fused.slice()}, push, groups, batches);
  });
  return fused;
}

std::array<float, kFeatureBankStateValues> FeatureBankCursor::next(float weight, bool reset) {
  if (reset || !started_) sinceReset_ = 0;
  else ++sinceReset_;
  started_ = true;
  float clamped = std::isfinite(weight) ? std::clamp(weight, 0.0f, 1.0f) : 0.0f;
  return {clamped, sinceReset_ == 0 ? 1.0f : 0.0f, float(sinceReset_ % slots_), kFeatureFusionStrength * clamped};
}

}  // namespace afterimage::nn
