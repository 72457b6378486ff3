#include "engine/nn/temporal_window.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct TemporalWindowPush {
  uint32_t frameElements, historyFrames;
};

constexpr uint32_t kGroupSize = 256;  // local_size_x of shaders/temporal_window.comp
constexpr uint32_t kMaxGroups = 4096;

}  // namespace

Tensor temporalWindow(Plan& plan, const Tensor& history, const Tensor& newest, const Tensor& reset) {
  if (!history.valid() || !newest.valid() || history.dtype() != DType::F16 || newest.dtype() != DType::F16 ||
      history.rank() < 1 || newest.rank() != history.rank() || newest.dim(0) != 1)
    throw gpu::GpuError("temporalWindow: history [W - 1, ...] and newest [1, ...] must be f16, got " +
                        toString(history.shape()) + " and " + toString(newest.shape()));
  Shape frame = history.shape();
  frame[0] = 1;
  if (frame != newest.shape())
    throw gpu::GpuError("temporalWindow: history frames " + toString(history.shape()) + " and the newest " +
                        toString(newest.shape()) + " differ in shape");
  if (!reset.valid() || reset.dtype() != DType::F32 || reset.elements() != 1)
    throw gpu::GpuError("temporalWindow: the reset flag must be one f32, got " + toString(reset.shape()));
  Shape shape = history.shape();
  shape[0] += 1;
  Tensor window = plan.allocate(shape);
  TemporalWindowPush push{uint32_t(newest.elements()), history.dim(0)};
  uint32_t groups = std::clamp(uint32_t((window.elements() + kGroupSize - 1) / kGroupSize), 1u, kMaxGroups);
  const auto& pipeline = plan.context().pipelines().get({"temporal_window", 4, sizeof(TemporalWindowPush), {}});
  plan.add([&pipeline, history, newest, reset, window, push, groups](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {history.slice(), newest.slice(), reset.slice(), window.slice()}, push, groups);
  });
  return window;
}

}  // namespace afterimage::nn
