// `afterimage bench conv2d`: f16 3x3 and 1x1 convolution GFLOP/s at a few
// layer shapes of the tiny autoencoder / UNet, or 64 -> 64 channel 3x3 at
// --sizes (correctness is the golden tests' job).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/gpu/command_sequence.h"
#include "engine/nn/conv2d.h"

namespace afterimage::cli {

struct ConvCase {
  uint32_t channels, size, kernel, stride;
};

int benchConv2d(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "sizes", "repeats"}, {"quick"});
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


}  // namespace afterimage::cli
