#include "engine/nn/attention.h"

#include <algorithm>
#include <cmath>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/feature_bank.h"

namespace afterimage::nn {
namespace {

struct AttentionPush {
  uint32_t queries, keys, channels4;
  float scale;
};

struct FeatureBankAttentionPush {
  AttentionPush attention;
  uint32_t slots, batches;
};

constexpr uint32_t kQueriesPerWorkgroup = 64;  // local_size_x of shaders/attention.comp
constexpr uint32_t kMaxHeadDim = 256;

// Key and value blocks together take 16 KiB of shared memory at any head size.
uint32_t keysPerBlock(uint32_t headDim) { return std::clamp(2048u / headDim, 8u, 64u); }

// shaders/attention_coopmat.comp: 4 subgroups of 32 lanes, each owning 16 queries; 2 in its emulated build.
uint32_t coopmatAttentionSubgroups(bool emulated) { return emulated ? 2 : 4; }

// shaders/attention_coopmat.comp's shared memory: key and value blocks, each
// subgroup's P and its S / P V rows (16-byte words, rows padded by one word),
// and with emulated cooperative matrices the lanes' exchange (coopmat.glsl).
uint32_t coopmatAttentionSharedBytes(uint32_t headDim, bool emulated) {
  const uint32_t keys = 64, subgroups = coopmatAttentionSubgroups(emulated);
  const uint32_t kvStride = headDim / 8 + 1, pStride = keys / 8 + 1, rowWords = std::max(keys, headDim) / 4 + 1;
  const uint32_t shuffleExchange = emulated ? subgroups * 32 * 4 : 0;  // shaders/coopmat.glsl
  return 16 * (2 * keys * kvStride + subgroups * 16 * (pStride + rowWords)) + shuffleExchange;
}

// Loop iterations an emulated invocation runs per block of 64 keys: S = Q K^T
// (a load and a product per 16x16 pair), P V (two loads and a product), and
// the stores, 16 each (shaders/coopmat.glsl).
uint32_t emulatedAttentionIterationsPerBlock(uint32_t headDim) {
  const uint32_t d = headDim / 16, k = 64 / 16;
  return 16 * (k * d * 2 + k + d * k * 3 + d) + 1;
}

// The scores' scale: 1/sqrt(D), times log2(e) as the kernels' softmax runs in base 2.
float log2SoftmaxScale(uint32_t headDim) { return float(1.4426950408889634 / std::sqrt(double(headDim))); }

// Checks the shapes; returns the head dimension.
uint32_t checkAttentionShapes(const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads, bool causal) {
  for (auto [name, t] : {std::pair<const char*, const Tensor*>{"q", &q}, {"k", &k}, {"v", &v}}) {
    if (!t->valid() || t->dtype() != DType::F16 || t->rank() != 3)
      throw gpu::GpuError(std::string("attention: ") + name + " must be f16 [B, T, H*D], found " +
                          toString(t->shape()));
  }
  uint32_t batch = q.dim(0), queries = q.dim(1), channels = q.dim(2), keys = k.dim(1);
  if (k.shape() != v.shape() || k.dim(0) != batch || k.dim(2) != channels)
    throw gpu::GpuError("attention: k " + toString(k.shape()) + " and v " + toString(v.shape()) + " must both be [" +
                        std::to_string(batch) + ", Tk, " + std::to_string(channels) + "] for q " + toString(q.shape()));
  if (heads == 0 || channels == 0 || channels % heads != 0)
    throw gpu::GpuError("attention: " + std::to_string(channels) + " channels do not split into " +
                        std::to_string(heads) + " heads");
  uint32_t headDim = channels / heads;
  if (headDim % 4 != 0 || headDim > kMaxHeadDim)
    throw gpu::GpuError("attention: head dimension " + std::to_string(headDim) +
                        " unsupported (a multiple of 4, at most " + std::to_string(kMaxHeadDim) + ")");
  if (queries == 0 || keys == 0) throw gpu::GpuError("attention: empty query or key sequence");
  if (causal && keys != queries)
    throw gpu::GpuError("attention: causal attention needs as many keys as queries, got " + std::to_string(keys) +
                        " keys for " + std::to_string(queries) + " queries");
  return headDim;
}

}  // namespace

bool attentionCoopmatFits(const gpu::DeviceInfo& device, uint32_t queries, uint32_t keys, uint32_t headDim,
                          bool causal) {
  if (!device.tensorCores || headDim % 16 != 0 || headDim > 64 || queries % 16 != 0 || causal) return false;
  if (coopmatAttentionSharedBytes(headDim, device.coopmatEmulated) > device.maxComputeSharedMemory) return false;
  const uint64_t blocks = (uint64_t(keys) + 63) / 64;
  return !device.coopmatEmulated || blocks * emulatedAttentionIterationsPerBlock(headDim) + 16 * (headDim / 16) <= 60000;
}

Tensor attention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, uint32_t heads, bool causal,
                 AttentionKernel kernel) {
  uint32_t headDim = checkAttentionShapes(q, k, v, heads, causal);
  uint32_t batch = q.dim(0), queries = q.dim(1), channels = q.dim(2), keys = k.dim(1);
  AttentionPush push{queries, keys, channels / 4, log2SoftmaxScale(headDim)};
  Tensor output = plan.allocate(q.shape());
  bool fits = attentionCoopmatFits(plan.context().info(), queries, keys, headDim, causal);
  if (kernel == AttentionKernel::Coopmat && !fits)
    throw gpu::GpuError("attention: the tensor-core kernel needs a device with them and " +
                        std::to_string(coopmatAttentionSharedBytes(headDim, plan.context().info().coopmatEmulated)) +
                        " bytes of shared memory, a head size of 16 to 64 in steps of 16 and a multiple of 16 "
                        "queries without a causal mask (have " + std::to_string(headDim) + ", " +
                        std::to_string(queries) + (causal ? ", causal)" : ")"));
  if (kernel != AttentionKernel::Plain && fits) {
    const auto& pipeline = plan.context().pipelines().get({"attention_coopmat", 4, sizeof(AttentionPush), {headDim}});
    uint32_t perWorkgroup = 16 * coopmatAttentionSubgroups(plan.context().info().coopmatEmulated);
    uint32_t queryBlocks = (queries + perWorkgroup - 1) / perWorkgroup;
    plan.add([&pipeline, q, k, v, output, push, queryBlocks, heads, batch](gpu::CommandSequence& sequence) {
      sequence.dispatch(pipeline, {q.slice(), k.slice(), v.slice(), output.slice()}, push, queryBlocks, heads, batch);
    });
    return output;
  }
  const auto& pipeline = plan.context().pipelines().get(
      {"attention", 4, sizeof(AttentionPush), {headDim / 4, keysPerBlock(headDim), causal ? 1u : 0u}});
  uint32_t queryBlocks = (queries + kQueriesPerWorkgroup - 1) / kQueriesPerWorkgroup;
  plan.add([&pipeline, q, k, v, output, push, queryBlocks, heads, batch](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline, {q.slice(), k.slice(), v.slice(), output.slice()}, push, queryBlocks, heads, batch);
  });
  return output;
}

Tensor featureBankAttention(Plan& plan, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bankKeys,
                            const Tensor& bankValues, const Tensor& state, uint32_t heads, AttentionKernel kernel) {
  uint32_t headDim = checkAttentionShapes(q, k, v, heads, false);
  uint32_t batch = q.dim(0), queries = q.dim(1), channels = q.dim(2), keys = k.dim(1);
  if (!bankKeys.valid() || bankKeys.dtype() != DType::F16 || bankKeys.rank() != 3 || bankKeys.shape() != bankValues.shape() ||
      bankValues.dtype() != DType::F16 || bankKeys.dim(0) == 0 || bankKeys.dim(0) % batch != 0 ||
      bankKeys.dim(1) != keys || bankKeys.dim(2) != channels)
    throw gpu::GpuError("featureBankAttention: the bank's keys " + toString(bankKeys.shape()) + " and values " +
                        toString(bankValues.shape()) + " must both be f16 [S * " + std::to_string(batch) + ", " +
                        std::to_string(keys) + ", " + std::to_string(channels) + "]");
  if (!state.valid() || state.dtype() != DType::F32 || state.elements() != kFeatureBankStateValues)
    throw gpu::GpuError("featureBankAttention: the bank's state must be f32 [" +
                        std::to_string(kFeatureBankStateValues) + "], got " + toString(state.shape()));
  FeatureBankAttentionPush push{{queries, keys, channels / 4, log2SoftmaxScale(headDim)},
                                bankKeys.dim(0) / batch,
                                batch};
  Tensor output = plan.allocate(q.shape());
  const uint32_t allKeys = keys * (push.slots + 1);
  bool fits = attentionCoopmatFits(plan.context().info(), queries, allKeys, headDim, false);
  if (kernel == AttentionKernel::Coopmat && !fits)
    throw gpu::GpuError("featureBankAttention: the tensor-core kernel does not take " + std::to_string(queries) +
                        " queries, " + std::to_string(allKeys) + " keys with the bank's, head size " +
                        std::to_string(headDim) + " on this device");
  bool tensorCores = kernel != AttentionKernel::Plain && fits;
  const auto& pipeline =
      tensorCores ? plan.context().pipelines().get(
                        {"feature_bank_attention_coopmat", 7, sizeof(FeatureBankAttentionPush), {headDim}})
                  : plan.context().pipelines().get({"feature_bank_attention", 7, sizeof(FeatureBankAttentionPush),
                                                    {headDim / 4, keysPerBlock(headDim), 0u}});
  uint32_t perWorkgroup =
      tensorCores ? 16 * coopmatAttentionSubgroups(plan.context().info().coopmatEmulated) : kQueriesPerWorkgroup;
  uint32_t queryBlocks = (queries + perWorkgroup - 1) / perWorkgroup;
  plan.add([&pipeline, q, k, v, output, bankKeys, bankValues, state, push, queryBlocks, heads,
            batch](gpu::CommandSequence& sequence) {
    sequence.dispatch(pipeline,
                      {q.slice(), k.slice(), v.slice(), output.slice(), bankKeys.slice(), bankValues.slice(), state.slice()},
                      push, queryBlocks, heads, batch);
  });
  return output;
}

}  // namespace afterimage::nn
