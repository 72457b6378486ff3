// `afterimage bench unet [--model DIR] [--size WxH] [--repeats N]`: one UNet
// evaluation per replay, GPU time per block (timestamps) and in all. Without
// --model it runs SD-Turbo's configuration with random weights (the time
// does not depend on the values).
#include <algorithm>
#include <cstdio>
#include <map>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/diffusion/seeded_noise.h"
#include "engine/models/model_folder.h"
#include "engine/models/unet.h"

namespace afterimage::cli {

int benchUNet(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "model", "size", "repeats", "tokens"}, {"per-shader"});
  bool perShader = args.flag("per-shader");
  gpu::CommandSequence::profileEachDispatch(perShader);
  gpu::Context context({.gpu = args.value("gpu", "")});
  std::unique_ptr<models::UNet> unet;
  std::string source = "SD-Turbo configuration, random weights";
  if (auto dir = args.value("model")) {
    auto files = models::findModelFiles(*dir);
    unet = std::make_unique<models::UNet>(context, files.unetConfig, files.unetWeights);
    source = files.unetWeights;
  } else {
    unet = std::make_unique<models::UNet>(context, models::UNetConfig::sdTurbo(), 1);
  }
  ImageSize size = parseImageSize(args.value("size", "256"), "size");
  uint32_t tokens = static_cast<uint32_t>(args.integer("tokens", 77));
  int repeats = std::max(1, args.integer("repeats", 2));
  const auto& c = unet->config();

  nn::Plan plan(context);
  auto sample = plan.persistent({1, c.inChannels, size.height / 8, size.width / 8});
  auto timestep = plan.persistent({1}, nn::DType::F32);
  auto text = plan.persistent({1, tokens, c.crossAttentionDim});
  unet->forward(plan, sample, timestep, text, true);
  plan.finalize();
  nn::writeTensor(context, sample, diffusion::gaussianNoise(1, sample.elements()));
  nn::writeTensor(context, timestep, std::vector<float>{999.0f});
  nn::writeTensor(context, text, diffusion::gaussianNoise(2, text.elements()));

  std::printf("device: %s (%s)\nUNet: %s, %.1fM parameters; latent %ux%u (image %ux%u), %u text tokens\n",
              context.info().name.c_str(), context.info().type.c_str(), source.c_str(),
              unet->parameterCount() / 1e6, size.width / 8, size.height / 8, size.width, size.height, tokens);
  std::printf("plan: %.0f MiB activations, %zu steps\n", plan.activationBytes() / 1048576.0, plan.stepCount());
  std::vector<gpu::StageTime> best;
  double bestTotal = 1e30;
  for (int r = 0; r < repeats; ++r) {
    plan.run();
    auto times = plan.stageTimes();
    double total = 0;
    for (const auto& t : times) total += t.milliseconds;
    if (total < bestTotal) bestTotal = total, best = times;
  }
  if (perShader) {
    printShaderProfile(best);
  } else {
    for (const auto& t : best) std::printf("  %-14s %10.2f ms\n", t.label.c_str(), t.milliseconds);
  }
  std::printf("UNet total %.2f ms (best of %d): %.2f evaluations/s; %zu dispatches, %zu barriers\n", bestTotal,
              repeats, 1000.0 / bestTotal, plan.dispatchCount(), plan.barrierCount());
  return 0;
}

}  // namespace afterimage::cli
