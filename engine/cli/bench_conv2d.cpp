// `afterimage bench conv2d`: f16 3x3 and 1x1 convolution GFLOP/s at a few
// layer shapes of the tiny autoencoder / UNet, at SD-Turbo's UNet layers
// (--shapes sd), or 64 -> 64 channel 3x3 at --sizes; each kernel named in
// --kernel (plain, coopmat, auto) runs, the tensor-core kernel once per
// --launch (auto, or TILE[:SPLITS] as in bench gemm --tile), and every run's
// output is checked against the first one's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/gpu/command_sequence.h"
#include "engine/nn/conv2d.h"
#include "engine/nn/coopmat_tile.h"

namespace afterimage::cli {
namespace {

struct ConvCase {
  uint32_t inChannels, outChannels, size, kernel, stride;
};

// SD-Turbo's UNet at 512x512 (64x64 latents): 3x3 convolutions of each level,
// the stride-2 down-sampling convs, the up blocks' widened inputs and a 1x1 skip.
const std::vector<ConvCase> kSdCases = {
    {320, 320, 64, 3, 1},   {640, 640, 32, 3, 1},  {1280, 1280, 16, 3, 1}, {1280, 1280, 8, 3, 1},
    {320, 320, 64, 3, 2},   {640, 640, 32, 3, 2},  {2560, 1280, 8, 3, 1},  {960, 320, 64, 3, 1},
    {960, 320, 64, 1, 1},
};

}  // namespace

int benchConv2d(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "sizes", "repeats", "shapes", "kernel", "launch"}, {"quick"});
  std::vector<ConvCase> cases = {
      {64, 64, 128, 3, 1}, {64, 64, 64, 3, 1}, {128, 128, 32, 3, 1}, {64, 64, 128, 3, 2}, {64, 64, 64, 1, 1}};
  if (args.flag("quick")) cases = {{64, 64, 64, 3, 1}, {64, 64, 32, 1, 1}};
  if (auto s = args.value("sizes")) {
    cases.clear();
    for (uint32_t size : parseSizes(*s)) cases.push_back({64, 64, size, 3, 1});
  }
  if (auto s = args.value("shapes")) {
    if (*s != "sd") throw UsageError("--shapes takes 'sd' (SD-Turbo's UNet layers at 512x512), got '" + *s + "'");
    cases = kSdCases;
  }
  auto kernels = parsePlainOrCoopmat<nn::Conv2dKernel>(args.value("kernel", "auto"));
  std::vector<std::optional<nn::CoopmatLaunch>> launches;  // nullopt: chooseCoopmatLaunch's
  for (const auto& item : splitList(args.value("launch", "auto"), ',')) {
    try {
      launches.push_back(item == "auto" ? std::nullopt : std::optional(nn::parseCoopmatLaunch(item)));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--launch: ") + e.what());
    }
  }
  int repeats = args.integer("repeats", 3);
  gpu::Context context({.gpu = args.value("gpu", "")});
  std::printf("device: %s (%s)\n", context.info().name.c_str(), context.info().type.c_str());
  for (const auto& c : cases) {
    std::vector<float> first;
    std::vector<std::pair<nn::Conv2dKernel, std::optional<nn::CoopmatLaunch>>> runs;
    uint32_t outWidth = (c.size + 2 * (c.kernel / 2) - c.kernel) / c.stride + 1;
    bool fits = nn::conv2dCoopmatFits(context.info(), c.inChannels, c.kernel, outWidth);
    for (auto kernel : kernels) {
      if (kernel == nn::Conv2dKernel::Plain || (kernel == nn::Conv2dKernel::Auto && !fits))
        runs.push_back({kernel, std::nullopt});
      else
        for (const auto& launch : launches) runs.push_back({kernel, launch});
    }
    for (const auto& [kernel, requested] : runs) {
      nn::Plan plan(context);
      auto input = plan.persistent({1, c.inChannels, c.size, c.size});
      auto weight = plan.persistent({c.outChannels, c.inChannels, c.kernel, c.kernel});
      auto bias = plan.persistent({c.outChannels});
      nn::Conv2dOptions options{c.stride, c.kernel / 2, nn::Activation::ReLU};
      options.kernel = kernel;
      options.launch = requested;
      auto output = nn::conv2d(plan, input, {weight, bias}, options);
      plan.mark("conv2d");
      plan.finalize();
      std::mt19937 data(1234);  // the same inputs for every kernel
      nn::writeTensor(context, input, randomHalfValues(input.elements(), data));
      nn::writeTensor(context, weight, randomHalfValues(weight.elements(), data));
      nn::writeTensor(context, bias, randomHalfValues(bias.elements(), data));
      double best = 1e30;
      plan.run();  // warm-up
      for (int r = 0; r < std::max(1, repeats); ++r) {
        plan.run();
        best = std::min(best, plan.stageTimes().at(0).milliseconds);
      }
      bool coopmat = kernel == nn::Conv2dKernel::Coopmat || (kernel == nn::Conv2dKernel::Auto && fits);
      double flops = 2.0 * output.elements() * c.inChannels * c.kernel * c.kernel;
      std::string name = "plain";
      if (coopmat) {
        auto launch = requested ? *requested
                                : nn::chooseCoopmatLaunch(context.info(), c.outChannels, output.dim(2) * outWidth,
                                                          c.inChannels * c.kernel * c.kernel, 1, false, true);
        name = "coopmat " + launch.tile.name() + (launch.splits > 1 ? " split " + std::to_string(launch.splits) : "");
      }
      std::printf("conv2d %ux%u %3u->%-3u ch %4ux%-4u stride %u %-7s: %9.3f ms  %8.1f GFLOP/s\n", c.kernel,
                  c.kernel, c.inChannels, c.outChannels, c.size, c.size, c.stride, name.c_str(), best,
                  flops / (best * 1e6));
      auto result = nn::readTensor(context, output);
      if (first.empty()) {
        first = std::move(result);
        continue;
      }
      double relative = relativeL2(result, first);
      std::printf("  self-check against the first kernel: relative L2 error %.2e (%s, limit 2e-3)\n", relative,
                  relative < 2e-3 ? "ok" : "FAILED");
      if (!(relative < 2e-3)) return 1;
    }
  }
  return 0;
}

}  // namespace afterimage::cli
