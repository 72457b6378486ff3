// `afterimage bench frame --model DIR [--size WxH] [--steps N] [--frames N] [--temporal-window N] [--temporal-lookahead L] [--temporal-bank-frames N] [--pipelined]`:
// the stream generator's frame (inputs, motion, UNet steps, decode, post
// effects, read-back) replayed with parameters that move every frame as a
// show's do; GPU time per stage (timestamps, mean over the frames) and the
// frames per second of Generator::frame (wall clock, submit to wait). With
// --pipelined the same frames then run as a show runs them, two in flight:
// each is prepared while the one before runs and queued behind it before
// that one is waited for, so the GPU need not wait for the host; its frame
// rate is printed beside the one-at-a-time rate, with the GPU time per frame
// (the rate the GPU alone allows).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/models/diffusion_model.h"
#include "engine/nn/feature_bank.h"
#include "engine/pipeline/generator.h"
#include "engine/text/prompt_mix.h"

namespace afterimage::cli {
namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The generator's stage times with the UNet's per-block marks summed per
// step ("unet 1", "unet 2", ...), in plan order.
std::vector<gpu::StageTime> frameStages(const std::vector<gpu::StageTime>& times) {
  static const std::set<std::string> kOwn{"inputs", "motion", "sampler", "decode", "post", "readback"};
  std::vector<gpu::StageTime> stages;
  int step = 1;
  bool inUNet = false;
  for (const auto& t : times) {
    if (kOwn.count(t.label)) {
      stages.push_back(t);
      inUNet = false;
      continue;
    }
    if (!inUNet) stages.push_back({"unet " + std::to_string(step++), 0.0}), inUNet = true;
    stages.back().milliseconds += t.milliseconds;
    if (t.label == "conv_out") inUNet = false;
  }
  return stages;
}

}  // namespace

int benchFrame(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "model", "tae", "size", "steps", "frames", "prompt", "temporal-window", "temporal-lookahead",
                                 "temporal-bank-frames"},
                 {"per-shader", "pipelined"});
  bool pipelined = args.flag("pipelined");
  bool perShader = args.flag("per-shader");
  gpu::CommandSequence::profileEachDispatch(perShader);
  auto dir = args.value("model");
  if (!dir)
    throw UsageError("--model DIR is required: a diffusers-layout folder (SD-Turbo, tests/golden/models/tiny_pipeline, "
                     "or one from `afterimage models random`)");
  int steps = args.integer("steps", 1);
  if (steps < 1 || steps > int(models::kMaxSamplerSteps))
    throw UsageError("--steps must be 1 to " + std::to_string(models::kMaxSamplerSteps));
  int frames = std::max(1, args.integer("frames", 10));
  int bankFrames = args.integer("temporal-bank-frames", 0);
  if (bankFrames < 0 || bankFrames > int(nn::kFeatureBankMaxFrames))
    throw UsageError("--temporal-bank-frames must be 0 to " + std::to_string(nn::kFeatureBankMaxFrames));

  gpu::Context context({.gpu = args.value("gpu", "")});
  models::DiffusionModel model(context, models::findModelFiles(*dir, args.value("tae", "")));
  uint32_t native = model.unet().config().sampleSize * 8;
  ImageSize size = args.value("size") ? parseImageSize(*args.value("size"), "size") : ImageSize{native, native};
  auto buildStart = Clock::now();
  pipeline::Generator generator(context, model,
                                {.width = size.width, .height = size.height, .steps = uint32_t(steps),
                                 .timestamps = true,
                                 .temporalWindow = uint32_t(std::max(0, args.integer("temporal-window", 0))),
                                 .temporalLookahead = uint32_t(std::max(0, args.integer("temporal-lookahead", 0))),
                                 .featureBankFrames = uint32_t(bankFrames)});
  double buildMs = millisecondsSince(buildStart);

  pipeline::GenParams params;
  // A style-token model (the default) takes style names; a text model any prompt.
  const models::StyleTable* styles = model.styles();
  std::string fallback = "an abstract light painting:0.6, a misty forest at dawn:0.4";
  if (styles) fallback = styles->names().front() + ":0.6, " + styles->names()[std::min<size_t>(1, styles->names().size() - 1)] + ":0.4";
  std::string mix = args.value("prompt", fallback);
  for (const auto& part : text::parsePromptMix(mix)) params.prompts.push_back({part.text, part.weight});
  generator.frame(params);  // encodes the prompts, compiles nothing more
  std::printf("device: %s (%s)\nmodel: %s, %.1fM parameters\nframe: %ux%u, %d UNet step(s); plan %.0f MiB "
              "activations, %.1f MiB state, %zu steps, recorded in %.0f ms\n",
              context.info().name.c_str(), context.info().type.c_str(), dir->c_str(), model.parameterCount() / 1e6,
              size.width, size.height, steps, generator.plan().activationBytes() / 1048576.0,
              generator.plan().persistentBytes() / 1048576.0, generator.plan().stepCount(), buildMs);

  auto moveParams = [&](int i) {
    double phase = double(i) / frames;
    params.strength = float(0.3 + 0.4 * phase);
    params.seedMix = float(phase);
    params.zoom = 1.02f, params.rotate = 0.01f;
    params.strobe = i % 4 == 0 ? 0.5f : 0.0f;
  };
  std::vector<gpu::StageTime> sums, fastest;  // over all frames; the frame of least GPU time
  double wallMs = 0, submitMs = 0, bestWallMs = 1e30, fastestMs = 1e30;
  for (int i = 0; i < frames; ++i) {
    moveParams(i);
    auto start = Clock::now();
    generator.submit(params);
    submitMs += millisecondsSince(start);
    generator.wait();
    double ms = millisecondsSince(start);
    wallMs += ms, bestWallMs = std::min(bestWallMs, ms);
    if (perShader) {
      if (i + 1 == frames) printShaderProfile(generator.stageTimes());
      continue;
    }
    auto stages = frameStages(generator.stageTimes());
    if (sums.empty()) sums = stages, std::for_each(sums.begin(), sums.end(), [](auto& s) { s.milliseconds = 0; });
    double total = 0;
    for (size_t s = 0; s < stages.size(); ++s) sums[s].milliseconds += stages[s].milliseconds, total += stages[s].milliseconds;
    if (total < fastestMs) fastestMs = total, fastest = stages;
  }
  // Both: on a shared or power-managed GPU the mean wanders, the fastest
  // frame shows what the kernels take (bench unet reports its best too).
  if (!perShader) std::printf("GPU time per stage (mean of %d frames; the fastest frame):\n", frames);
  double meanMs = 0;
  for (size_t s = 0; s < sums.size(); ++s) {
    std::printf("  %-10s %10.2f ms %10.2f ms\n", sums[s].label.c_str(), sums[s].milliseconds / frames,
                fastest[s].milliseconds);
    meanMs += sums[s].milliseconds / frames;
  }
  if (!perShader) std::printf("  %-10s %10.2f ms %10.2f ms\n", "total", meanMs, fastestMs);
  std::printf("Generator::frame: %.2f ms mean, %.2f ms best (host part of submit %.3f ms): %.2f fps; "
              "%zu dispatches, %zu barriers per frame\n",
              wallMs / frames, bestWallMs, submitMs / frames, 1000.0 * frames / wallMs, generator.plan().dispatchCount(),
              generator.plan().barrierCount());
  if (!pipelined) return 0;
  double gpuMs = 0;
  auto gpuTime = [&] {
    for (const auto& s : generator.stageTimes()) gpuMs += s.milliseconds;
  };
  auto start = Clock::now();
  for (int i = 0; i < frames; ++i) {
    moveParams(i);
    generator.prepare(params);  // while frame i - 1 runs
    generator.submit();         // queued behind it
    if (i > 0) generator.wait(), gpuTime();  // frame i - 1
  }
  generator.wait(), gpuTime();
  double pipelinedMs = millisecondsSince(start);
  std::printf("Generator pipelined (two frames in flight): %.2f ms per frame: %.2f fps, beside %.2f fps one at a "
              "time; GPU time %.2f ms per frame (%.2f fps)\n",
              pipelinedMs / frames, 1000.0 * frames / pipelinedMs, 1000.0 * frames / wallMs, gpuMs / frames,
              1000.0 * frames / gpuMs);
  return 0;
}

}  // namespace afterimage::cli
