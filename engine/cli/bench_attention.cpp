// `afterimage bench attention`: self-attention over N tokens (SD's first
// stage: 5 heads of 64), or cross-attention to --keys tokens (77: the text),
// time and GFLOP/s with each kernel in --kernel (plain, coopmat, auto);
// three rows per head are checked on the CPU.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/gpu/command_sequence.h"
#include "engine/nn/attention.h"

namespace afterimage::cli {
namespace {

// Softmax(q k^T / sqrt(D)) v for one query row of one head, in f64.
std::vector<double> attentionRow(const std::vector<float>& q, const std::vector<float>& k, const std::vector<float>& v,
                                 uint32_t tokens, uint32_t channels, uint32_t headDim, uint32_t head, uint32_t row) {
  std::vector<double> scores(tokens), out(headDim, 0.0);
  double top = -1e300, sum = 0;
  for (uint32_t j = 0; j < tokens; ++j) {
    double s = 0;
    for (uint32_t d = 0; d < headDim; ++d)
      s += double(q[size_t(row) * channels + head * headDim + d]) * k[size_t(j) * channels + head * headDim + d];
    scores[j] = s / std::sqrt(double(headDim));
    top = std::max(top, scores[j]);
  }
  for (uint32_t j = 0; j < tokens; ++j) {
    double w = std::exp(scores[j] - top);
    sum += w;
    for (uint32_t d = 0; d < headDim; ++d) out[d] += w * v[size_t(j) * channels + head * headDim + d];
  }
  for (auto& x : out) x /= sum;
  return out;
}

}  // namespace

int benchAttention(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "sizes", "repeats", "heads", "head-dim", "keys", "kernel"}, {"quick"});
  gpu::Context context({.gpu = args.value("gpu", "")});
  std::vector<uint32_t> sizes =
      args.flag("quick") ? std::vector<uint32_t>{256, 1024} : std::vector<uint32_t>{1024, 4096};
  if (auto s = args.value("sizes")) sizes = parseSizes(*s);
  int headsArg = args.integer("heads", 5), headDimArg = args.integer("head-dim", 64);
  if (headsArg < 1 || headsArg > 64) throw UsageError("--heads must be from 1 to 64");
  if (headDimArg < 4 || headDimArg > 256 || headDimArg % 4)
    throw UsageError("--head-dim must be a multiple of 4 from 4 to 256");
  const uint32_t heads = static_cast<uint32_t>(headsArg), headDim = static_cast<uint32_t>(headDimArg);
  const uint32_t crossKeys = static_cast<uint32_t>(args.integer("keys", 0));  // 0: self-attention
  int repeats = args.integer("repeats", 3);
  auto kernels = parsePlainOrCoopmat<nn::AttentionKernel>(args.value("kernel", "auto"));
  std::printf("device: %s (%s)\n", context.info().name.c_str(), context.info().type.c_str());

  std::mt19937 rng(1234);
  for (uint32_t tokens : sizes) {
    const uint32_t channels = heads * headDim;
    const uint32_t keys = crossKeys ? crossKeys : tokens;
    const size_t elements = size_t(tokens) * channels, keyElements = size_t(keys) * channels;
    auto q = randomHalfValues(elements, rng), k = randomHalfValues(keyElements, rng),
         v = randomHalfValues(keyElements, rng);
    for (auto kernel : kernels) {
      nn::Plan plan(context);
      auto tq = plan.persistent({1, tokens, channels}), tk = plan.persistent({1, keys, channels});
      auto tv = plan.persistent({1, keys, channels});
      nn::Tensor output = nn::attention(plan, tq, tk, tv, heads, false, kernel);
      plan.mark("attention");
      plan.finalize();
      nn::writeTensor(context, tq, q), nn::writeTensor(context, tk, k), nn::writeTensor(context, tv, v);
      double best = 1e30;
      for (int r = 0; r < std::max(1, repeats); ++r) {
        plan.run();
        best = std::min(best, plan.stageTimes().at(0).milliseconds);
      }
      double flops = 4.0 * tokens * double(keys) * channels;  // q k^T and p v, all heads
      bool coopmat = kernel == nn::AttentionKernel::Coopmat ||
                     (kernel == nn::AttentionKernel::Auto &&
                      nn::attentionCoopmatFits(context.info(), tokens, keys, headDim, false));
      std::printf("attention %5u tokens x %5u keys x %u heads x %u %-7s: %9.3f ms  %8.1f GFLOP/s  (activations %.1f MiB)\n",
                  tokens, keys, heads, headDim, coopmat ? "coopmat" : "plain", best, flops / (best * 1e6),
                  plan.activationBytes() / 1048576.0);

      auto got = nn::readTensor(context, output);
      double error = 0, norm = 0;
      for (uint32_t head = 0; head < heads; ++head) {
        for (uint32_t row : {0u, tokens / 2, tokens - 1}) {
          auto expected = attentionRow(q, k, v, keys, channels, headDim, head, row);
          for (uint32_t d = 0; d < headDim; ++d) {
            double diff = got[size_t(row) * channels + head * headDim + d] - expected[d];
            error += diff * diff, norm += expected[d] * expected[d];
          }
        }
      }
      double relative = std::sqrt(error / norm);
      std::printf("  self-check of 3 rows per head against the CPU: relative L2 error %.2e (%s, limit 2e-3)\n", relative,
                  relative < 2e-3 ? "ok" : "FAILED");
      if (!(relative < 2e-3)) return 1;
    }
  }
  return 0;
}

}  // namespace afterimage::cli
