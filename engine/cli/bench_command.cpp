// `afterimage bench WHAT`: GPU timings from timestamp queries.
//   gemm: f16 matrix multiply GFLOP/s at a few square sizes; the first size
//         is also checked against the CPU reference.
//   conv2d: f16 3x3 and 1x1 convolution GFLOP/s at a few layer shapes of the
//         tiny autoencoder / UNet, or 64 -> 64 channel 3x3 at --sizes
//         (correctness is the golden tests' job).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/gpu/command_sequence.h"
#include "engine/nn/conv2d.h"
#include "engine/nn/half.h"
#include "engine/nn/matmul.h"

namespace afterimage::cli {
namespace {

std::vector<uint32_t> parseSizes(const std::string& text) {
  std::vector<uint32_t> sizes;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    try {
      int n = std::stoi(item);
      if (n <= 0 || n > 16384) throw std::out_of_range("size");
      sizes.push_back(static_cast<uint32_t>(n));
    } catch (const std::exception&) {
      throw UsageError("--sizes expects positive integers separated by commas, got '" + text + "'");
    }
  }
  return sizes;
}

std::vector<float> randomHalfValues(size_t count, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = nn::halfToFloat(nn::floatToHalf(uniform(rng)));
  return v;
}

int benchGemm(const Arguments& args) {
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

struct ConvCase {
  uint32_t channels, size, kernel, stride;
};

int benchConv2d(const Arguments& args) {
  gpu::Context context({.gpu = args.value("gpu", "")});
  std::vector<ConvCase> cases = {{64, 128, 3, 1}, {64, 64, 3, 1}, {128, 32, 3, 1}, {64, 128, 3, 2}, {64, 64, 1, 1}};
  if (args.flag("quick")) cases = {{64, 64, 3, 1}, {64, 32, 1, 1}};
  if (auto s = args.value("sizes")) {
    cases.clear();
    for (uint32_t size : parseSizes(*s)) cases.push_back({64, size, 3, 1});
  }
  int repeats = args.integer("repeats", 3);
  std::printf("device: %s (%s)\n", context.info().name.c_str(), context.info().type.c_str());
  std::mt19937 rng(1234);
  for (const auto& c : cases) {
    nn::Plan plan(context);
    auto input = plan.persistent({1, c.channels, c.size, c.size});
    auto weight = plan.persistent({c.channels, c.channels, c.kernel, c.kernel});
    auto bias = plan.persistent({c.channels});
    auto output = nn::conv2d(plan, input, {weight, bias}, {c.stride, c.kernel / 2, nn::Activation::ReLU});
    plan.mark("conv2d");
    plan.finalize();
    nn::writeTensor(context, input, randomHalfValues(input.elements(), rng));
    nn::writeTensor(context, weight, randomHalfValues(weight.elements(), rng));
    nn::writeTensor(context, bias, randomHalfValues(bias.elements(), rng));
    double best = 1e30;
    plan.run();  // warm-up
    for (int r = 0; r < std::max(1, repeats); ++r) {
      plan.run();
      best = std::min(best, plan.stageTimes().at(0).milliseconds);
    }
    double flops = 2.0 * output.elements() * c.channels * c.kernel * c.kernel;
    std::printf("conv2d %ux%u %3u->%-3u ch %4ux%-4u stride %u: %9.3f ms  %8.1f GFLOP/s\n", c.kernel, c.kernel,
                c.channels, c.channels, c.size, c.size, c.stride, best, flops / (best * 1e6));
  }
  return 0;
}

}  // namespace

int runBench(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "sizes", "repeats"}, {"quick"});
  if (args.positionals().size() != 1) throw UsageError("name one benchmark: gemm, conv2d");
  const std::string& what = args.positionals()[0];
  if (what == "gemm") return benchGemm(args);
  if (what == "conv2d") return benchConv2d(args);
  throw UsageError("unknown benchmark '" + what + "' (have: gemm, conv2d)");
}

}  // namespace afterimage::cli
