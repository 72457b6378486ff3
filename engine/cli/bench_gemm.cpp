// `afterimage bench gemm`: f16 matrix multiply GFLOP/s at a few square sizes;
// the first size is also checked against the CPU reference.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/gpu/command_sequence.h"
#include "engine/nn/half.h"
#include "engine/nn/matmul.h"

namespace afterimage::cli {

int benchGemm(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "sizes", "repeats"}, {"quick"});
  gpu::Context context({.gpu = args.value("gpu", "")});
  std::vector<uint32_t> sizes = args.flag("quick") ? std::vector<uint32_t>{128, 256, 512}
                                                   : std::vector<uint32_t>{256, 512, 1024, 2048};
  if (auto s = args.value("sizes")) sizes = parseSizes(*s);
  int repeats = args.integer("repeats", 3);
  std::printf("device: %s (%s)\n", context.info().name.c_str(), context.info().type.c_str());

  std::mt19937 rng(1234);
  for (size_t index = 0; index < sizes.size(); ++index) {
    uint32_t n = sizes[index];
    nn::MatmulShape shape{n, n, n};
    size_t elements = size_t(n) * n;
    auto a = randomHalfValues(elements, rng), b = randomHalfValues(elements, rng);
    auto& arena = context.arena();
    auto sliceA = arena.allocate(elements * 2), sliceB = arena.allocate(elements * 2), sliceC = arena.allocate(elements * 2);
    context.upload(sliceA, nn::toHalf(a).data(), elements * 2);
    context.upload(sliceB, nn::toHalf(b).data(), elements * 2);

    gpu::CommandSequence sequence(context);
    sequence.begin();
    nn::recordMatmul(context, sequence, shape, sliceA, sliceB, {}, sliceC);
    sequence.timestamp("gemm");
    sequence.end();
    double best = 1e30;
    for (int r = 0; r < std::max(1, repeats); ++r) {
      sequence.run();
      best = std::min(best, sequence.totalMilliseconds());
    }
    std::printf("gemm %5ux%-5ux%-5u f16->f32 acc: %9.3f ms  %8.1f GFLOP/s\n", n, n, n, best,
                shape.flops() / (best * 1e6));

    if (index == 0) {
      std::vector<uint16_t> c(elements);
      context.download(sliceC, c.data(), elements * 2);
      auto expected = nn::matmulReference(shape, a, b, {});
      double error = 0, norm = 0;
      for (size_t i = 0; i < elements; ++i) {
        double d = nn::halfToFloat(c[i]) - expected[i];
        error += d * d, norm += double(expected[i]) * expected[i];
      }
      double relative = std::sqrt(error / norm);
      std::printf("self-check %ux%u against the CPU reference: relative L2 error %.2e (%s, limit 2e-3)\n", n, n,
                  relative, relative < 2e-3 ? "ok" : "FAILED");
      if (!(relative < 2e-3)) return 1;
    }
    arena.release(sliceA), arena.release(sliceB), arena.release(sliceC);
  }
  return 0;
}


}  // namespace afterimage::cli
