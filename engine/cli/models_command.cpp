// afterimage models check DIR [--size WxH] [--steps N] [--tae DIR] [--temporal-window N] [--temporal-lookahead L]
//   [--temporal-bank-frames N]
//   Validates a model folder (every tensor's name and shape against the
//   configs) and prints what it found and the memory a resolution needs
//   (with temporal layers, their history at the window, 16 by default; with
//   a feature bank of N frames, its memory); or
//   exactly what is missing or mismatched (exit 1).
// afterimage models random DIR --tokenizer DIR [--seed N] [--threads N]
//   Writes a folder of SD-Turbo's shapes with random weights (benchmarks).
#include <algorithm>
#include <cstdio>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/models/diffusion_model.h"
#include "engine/models/random_model_folder.h"
#include "engine/models/sampler_graph.h"
#include "engine/nn/safetensors.h"

namespace afterimage::cli {
namespace {

double mib(uint64_t bytes) { return bytes / 1048576.0; }

std::string list(const std::vector<uint32_t>& values) {
  std::string s;
  for (auto v : values) s += (s.empty() ? "" : ", ") + std::to_string(v);
  return "[" + s + "]";
}

int checkModel(const Arguments& args) {
  if (args.positionals().size() != 2) throw UsageError("models check DIR");
  const std::string& dir = args.positionals()[1];
  gpu::Context context({.gpu = args.value("gpu", "")});
  models::DiffusionModel model(context, models::findModelFiles(dir, args.value("tae", "")));
  const auto& u = model.unet().config();
  std::printf("%s: SD-family UNet model\n", dir.c_str());
  std::printf("  unet          %s\n                %.1fM parameters; channels %s, %u layers per block, heads %s, "
              "cross-attention %u, %s projections\n",
              model.files().unetWeights.c_str(), model.unet().parameterCount() / 1e6, list(u.blockOutChannels).c_str(),
              u.layersPerBlock, list(u.heads).c_str(), u.crossAttentionDim, u.linearProjection ? "linear" : "1x1-conv");
  if (const auto* encoder = model.textEncoder()) {
    const auto& t = encoder->config();
    std::printf("  text encoder  %s\n                %.1fM parameters; %u layers, hidden %u, %u heads, %s\n",
                model.files().textEncoderWeights.c_str(), encoder->parameterCount() / 1e6, t.layers, t.hiddenSize,
                t.heads, t.activation == nn::Activation::GELU ? "GELU" : "QuickGELU");
    std::printf("  tokenizer     %s (%u tokens)\n", model.files().tokenizerDir.c_str(), model.contextTokens());
  } else {
    std::string names;
    for (const auto& n : model.styles()->names()) names += (names.empty() ? "" : ", ") + n;
    std::printf("  styles        %s\n                %zu styles of %u tokens x %u: %s\n",
                model.files().stylesWeights.c_str(), model.styles()->names().size(), model.contextTokens(),
                model.contextDim(), names.c_str());
  }
  std::printf("  autoencoder   %s\n                %.2fM parameters; %u latent channels\n",
              model.files().taeDecoder.c_str(), model.tae().parameterCount() / 1e6, model.tae().latentChannels());
  uint32_t window = 0;
  if (const auto* motion = model.motionAdapter()) {
    const auto& m = motion->config();
    window = uint32_t(args.integer("temporal-window", int(std::min(16u, m.maxFrames))));
    std::printf("  temporal      %s\n                %.1fM parameters; motion adapter, heads %s, up to %u frames\n",
                model.files().motionWeights.c_str(), motion->parameterCount() / 1e6, list(m.heads).c_str(),
                m.maxFrames);
  }
  const auto& s = model.scheduler();
  std::printf("  scheduler     %s, %s prediction\n",
              s.kind == diffusion::SchedulerKind::EulerDiscrete ? "Euler discrete" : "DDIM",
              diffusion::predictionTypeName(s.predictionType));

  ImageSize size = args.value("size") ? parseImageSize(*args.value("size"), "size")
                                      : ImageSize{u.sampleSize * 8, u.sampleSize * 8};
  uint32_t steps = static_cast<uint32_t>(args.integer("steps", 1));
  nn::Plan plan(context);
  models::SamplerShape shape{steps, size.height / 8, size.width / 8, model.contextTokens()};
  shape.temporalWindow = window;
  int lookahead = args.integer("temporal-lookahead", 0);
  if (lookahead != 0 && !window)
    throw UsageError("--temporal-lookahead needs temporal layers (motion_adapter/) and a --temporal-window");
  shape.temporalLookahead = uint32_t(std::max(0, lookahead));
  shape.featureBankFrames = uint32_t(std::max(0, args.integer("temporal-bank-frames", 0)));
  models::SamplerGraph graph(plan, model.unet(), model.tae(), shape, false, {}, model.motionAdapter());
  plan.finalize();  // places the activations: the arena now holds everything a frame needs
  uint64_t weights = model.parameterCount() * 2;  // stored as f16 on the GPU
  std::printf("  total         %.1fM parameters, %.0f MiB of f16 weights\n", model.parameterCount() / 1e6, mib(weights));
  std::printf("  at %ux%u, %u step(s): %.0f MiB activations + %.1f MiB inputs/state\n", size.width, size.height,
              steps, mib(plan.activationBytes()), mib(plan.persistentBytes()));
  if (window && shape.temporalLookahead)
    std::printf("  temporal window %u sliding, %u frame(s) of lookahead (the picture as late): each frame samples "
                "the %u frames again; %.1f MiB of kept inputs (in the state above), fixed\n",
                window, shape.temporalLookahead, window, mib(graph.temporalHistoryBytes()));
  else if (window)
    std::printf("  temporal window %u: %.1f MiB of history (in the state above), fixed\n", window,
                mib(graph.temporalHistoryBytes()));
  if (shape.featureBankFrames)
    std::printf("  feature bank of %u frames: %.1f MiB of keys, values and outputs (in the state above), fixed\n",
                shape.featureBankFrames, mib(graph.featureBankBytes()));
  std::printf("  peak GPU memory in use: %.0f MiB (%.0f MiB reserved)\n", mib(context.arena().stats().peakBytesInUse),
              mib(context.arena().stats().bytesReserved));
  const auto& f = model.files();
  for (const std::string& path :
       {f.unetWeights, f.textEncoderWeights, f.stylesWeights, f.taeEncoder, f.taeDecoder, f.motionWeights}) {
    if (path.empty()) continue;
    std::string problem = nn::findNonFinite(nn::SafetensorsFile(path));
    if (!problem.empty()) throw nn::WeightError(path + ": " + problem);
  }
  std::printf("  weights       all finite\n");
  std::printf("ok\n");
  return 0;
}

int writeRandom(const Arguments& args) {
  if (args.positionals().size() != 2) throw UsageError("models random DIR --tokenizer DIR");
  auto tokenizer = args.value("tokenizer");
  if (!tokenizer) throw UsageError("--tokenizer DIR (a CLIP tokenizer folder) is required");
  gpu::Context context({.gpu = args.value("gpu", "")});
  models::writeRandomSdTurboFolder(context, args.positionals()[1], *tokenizer,
                                   static_cast<uint64_t>(args.integer("seed", 1)),
                                   static_cast<unsigned>(std::max(0, args.integer("threads", 0))));
  std::printf("%s: SD-Turbo shapes with random weights\n", args.positionals()[1].c_str());
  return 0;
}

}  // namespace

int runModels(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "size", "steps", "tae", "tokenizer", "seed", "threads", "temporal-window", "temporal-lookahead",
                           "temporal-bank-frames"}, {});
  std::string what = args.positionals().empty() ? "" : args.positionals()[0];
  if (what == "check") return checkModel(args);
  if (what == "random") return writeRandom(args);
  throw UsageError("models check DIR | models random DIR --tokenizer DIR");
}

}  // namespace afterimage::cli
