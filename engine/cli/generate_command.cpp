// afterimage generate --model DIR --prompt "..." [--steps 1..4] [--size WxH]
//   [--seed N] [--init IMAGE.png --strength S] [--guidance S [--negative "..."]]
//   [--tae DIR] [--repeats N] -o OUT.png
// One picture from a diffusers-layout model folder: text to image, or image
// to image from --init with diffusers' strength semantics. Guidance is off
// (turbo models) unless --guidance is above 1, as in diffusers. --repeats
// replays the frame N more times and prints the mean time per frame.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/diffusion/guidance.h"
#include "engine/diffusion/seeded_noise.h"
#include "engine/image/png_image.h"
#include "engine/models/diffusion_model.h"
#include "engine/models/sampler_graph.h"
#include "engine/pipeline/model_limits.h"

namespace afterimage::cli {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The init picture's latent, through the model's tiny autoencoder.
std::vector<float> encodeInit(gpu::Context& context, const models::DiffusionModel& model, const std::string& path,
                              const ImageSize& size) {
  auto picture = image::readPng(path);
  if (picture.width != size.width || picture.height != size.height)
    throw std::runtime_error(path + ": the init image is " + std::to_string(picture.width) + "x" +
                             std::to_string(picture.height) + ", the output " + std::to_string(size.width) + "x" +
                             std::to_string(size.height) + " (give --size to match it)");
  if (!model.tae().hasEncoder()) throw std::runtime_error(model.files().taeEncoder + ": no encoder for --init");
  nn::Plan plan(context);
  auto input = plan.persistent({1, 3, size.height, size.width});
  auto latent = model.tae().encode(plan, input);
  plan.finalize();
  nn::writeTensor(context, input, picture.planar);
  plan.run();
  return nn::readTensor(context, latent);
}

}  // namespace

int runGenerate(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "model", "prompt", "steps", "size", "seed", "init", "strength", "guidance", "negative",
                           "tae", "repeats", "o"},
                 {});
  if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
  auto modelDir = args.value("model");
  auto output = args.value("o");
  if (!modelDir) throw UsageError("--model DIR is required");
  if (!output) throw UsageError("-o OUT.png is required");
  int steps = args.integer("steps", 1);
  if (steps < 1 || steps > int(models::kMaxSamplerSteps))
    throw UsageError("--steps must be 1 to " + std::to_string(models::kMaxSamplerSteps) + " (few-step models use 1 to 4)");
  double strength = args.number("strength", 0.5);
  auto init = args.value("init");
  if (!init && args.value("strength")) throw UsageError("--strength needs --init IMAGE.png");
  auto seed = static_cast<uint64_t>(args.integer("seed", 0));
  auto guidanceScale = static_cast<float>(args.number("guidance", 0.0));
  bool guidance = diffusion::guidanceEnabled(guidanceScale);
  if (args.value("negative") && !guidance) throw UsageError("--negative needs --guidance above 1");
  int repeats = args.integer("repeats", 0);
  if (repeats < 0) throw UsageError("--repeats must be 0 or more");

  // A style the model lacks is named (with the closest one) before the model loads.
  auto mix = text::parsePromptMix(args.value("prompt", ""));
  auto limits = pipeline::readModelLimits(*modelDir, args.value("tae", ""));
  if (limits.styles) {
    std::vector<pipeline::ScenePrompt> prompts;
    for (const auto& part : mix) prompts.push_back({part.text, part.weight});
    auto problems = pipeline::checkPromptsOnModel(prompts, limits);
    if (!problems.empty()) throw UsageError("--prompt: " + problems.front());
  }

  auto start = Clock::now();
  gpu::Context context({.gpu = args.value("gpu", "")});
  models::DiffusionModel model(context, models::findModelFiles(*modelDir, args.value("tae", "")));
  const auto& unet = model.unet().config();
  uint32_t multiple = models::imageSizeMultiple(unet);
  ImageSize size = args.value("size") ? parseImageSize(*args.value("size"), "size")
                                      : ImageSize{unet.sampleSize * 8, unet.sampleSize * 8};
  if (size.width % multiple || size.height % multiple)
    throw UsageError("--size must be a multiple of " + std::to_string(multiple) + " for this model");
  double loadSeconds = secondsSince(start);

  auto schedule = init ? diffusion::imageToImageSchedule(model.scheduler(), steps, strength)
                       : diffusion::textToImageSchedule(model.scheduler(), steps);
  nn::Plan plan(context);
  models::SamplerGraph graph(plan, model.unet(), model.tae(),
                             {uint32_t(schedule.steps.size()), size.height / 8, size.width / 8, model.contextTokens(),
                              guidance},
                             true);
  plan.finalize();

  std::vector<float> initLatent(graph.initLatent().elements(), 0.0f);
  if (init) initLatent = encodeInit(context, model, *init, size);
  nn::writeTensor(context, graph.initLatent(), initLatent);
  nn::writeTensor(context, graph.noise(), diffusion::gaussianNoise(seed, graph.noise().elements()));
  std::vector<float> text;
  if (guidance) text = model.embedPrompt(args.value("negative", ""));  // the unconditional context first
  auto cond = model.embedMix(mix);
  text.insert(text.end(), cond.begin(), cond.end());
  nn::writeTensor(context, graph.context(), text);
  graph.setSchedule(context, schedule, guidance ? guidanceScale : 1.0f);
  auto runStart = Clock::now();
  plan.run();
  double runSeconds = secondsSince(runStart);

  auto values = nn::readTensor(context, graph.image());
  for (auto& v : values) v = std::clamp(v, 0.0f, 1.0f);
  image::writePng(*output, {size.width, size.height, values});
  double gpuMs = 0;
  for (const auto& stage : plan.stageTimes()) gpuMs += stage.milliseconds;
  std::printf("%s: %ux%u, %zu UNet step(s) at t=", output->c_str(), size.width, size.height, schedule.steps.size());
  for (const auto& step : schedule.steps) std::printf("%g ", step.timestep);
  std::printf("seed %llu on %s\n  load %.2f s, generate %.3f s (GPU %.1f ms)\n",
              static_cast<unsigned long long>(seed), context.info().name.c_str(), loadSeconds, runSeconds, gpuMs);
  if (repeats > 0) {
    auto replayStart = Clock::now();
    double replayGpuMs = 0;
    for (int i = 0; i < repeats; ++i) {
      plan.run();
      for (const auto& stage : plan.stageTimes()) replayGpuMs += stage.milliseconds;
    }
    double perFrame = secondsSince(replayStart) / repeats;
    std::printf("  %d replays: %.1f ms per frame (GPU %.1f ms), %.2f frames/s\n", repeats, perFrame * 1000,
                replayGpuMs / repeats, 1.0 / perFrame);
  }
  return 0;
}

}  // namespace afterimage::cli
