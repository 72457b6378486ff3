// Tiny-autoencoder commands:
//   afterimage encode IMAGE.png -o LATENT.safetensors (--tae DIR | --encoder FILE)
//   afterimage decode LATENT.safetensors -o IMAGE.png (--tae DIR | --decoder FILE)
//   afterimage bench tae [--size 512] [--tae DIR]   per-layer GPU times
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/cli/commands.h"
#include "engine/image/png_image.h"
#include "engine/models/tiny_autoencoder.h"

namespace afterimage::cli {
namespace {

namespace fs = std::filesystem;

// --encoder/--decoder name files; --tae DIR takes the *encoder*.safetensors
// and *decoder*.safetensors in DIR (e.g. taesd_encoder.safetensors).
std::string weightFile(const Arguments& args, const std::string& side) {
  if (auto file = args.value(side)) return *file;
  auto dir = args.value("tae");
  if (!dir) throw UsageError("give the tiny autoencoder: --tae DIR or --" + side + " FILE");
  if (!fs::is_directory(*dir)) throw std::runtime_error(*dir + ": not a directory (--tae)");
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(*dir)) {
    std::string name = entry.path().filename().string();
    if (name.find(side) != std::string::npos && name.ends_with(".safetensors")) found.push_back(entry.path().string());
  }
  if (found.size() != 1)
    throw std::runtime_error(*dir + ": expected one *" + side + "*.safetensors file, found " +
                             std::to_string(found.size()));
  return found[0];
}

std::string requiredOutput(const Arguments& args) {
  auto out = args.value("o");
  if (!out) throw UsageError("-o OUTPUT is required");
  return *out;
}

}  // namespace

int runEncode(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "tae", "encoder", "o"}, {});
  if (args.positionals().size() != 1) throw UsageError("name one input image");
  std::string output = requiredOutput(args);
  auto picture = image::readPng(args.positionals()[0]);
  if (picture.width % 8 || picture.height % 8)
    throw std::runtime_error(args.positionals()[0] + ": " + std::to_string(picture.width) + "x" +
                             std::to_string(picture.height) + " is not a multiple of 8 in both sides");
  gpu::Context context({.gpu = args.value("gpu", "")});
  models::TinyAutoencoder tae(context, weightFile(args, "encoder"), "");
  nn::Plan plan(context);
  auto input = plan.persistent({1, 3, picture.height, picture.width});
  auto latent = tae.encode(plan, input);
  plan.finalize();
  nn::writeTensor(context, input, picture.planar);
  plan.run();
  auto values = nn::readTensor(context, latent);
  std::vector<int64_t> shape(latent.shape().begin(), latent.shape().end());
  nn::writeSafetensors(output, {{"latent", shape, values, nn::StoredType::F32}}, {{"format", "afterimage-latent"}});
  std::printf("%s: latent %s -> %s\n", args.positionals()[0].c_str(), nn::toString(latent.shape()).c_str(),
              output.c_str());
  return 0;
}

int runDecode(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "tae", "decoder", "o"}, {});
  if (args.positionals().size() != 1) throw UsageError("name one latent file");
  std::string output = requiredOutput(args);
  nn::SafetensorsFile file(args.positionals()[0]);
  const auto& record = file.require("latent");
  if (record.shape.size() != 4 || record.shape[0] != 1)
    throw nn::WeightError(file.path() + ": tensor 'latent' has shape " + nn::shapeString(record.shape) +
                          ", expected [1, C, h, w]");
  gpu::Context context({.gpu = args.value("gpu", "")});
  models::TinyAutoencoder tae(context, "", weightFile(args, "decoder"));
  nn::Plan plan(context);
  auto latent = plan.persistent(nn::Shape(record.shape.begin(), record.shape.end()));
  auto decoded = tae.decode(plan, latent);
  plan.finalize();
  nn::writeTensor(context, latent, file.readFloats(record));
  plan.run();
  image::Image picture{decoded.dim(3), decoded.dim(2), nn::readTensor(context, decoded)};
  image::writePng(output, picture);
  std::printf("%s: %ux%u image -> %s\n", args.positionals()[0].c_str(), picture.width, picture.height, output.c_str());
  return 0;
}

int benchTae(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "tae", "encoder", "decoder", "size", "repeats", "latent-channels"}, {"per-layer"});
  int size = args.integer("size", 512);
  if (size <= 0 || size % 8) throw UsageError("--size must be a positive multiple of 8");
  gpu::Context context({.gpu = args.value("gpu", "")});
  std::string encoder, decoder, source;
  if (args.value("tae") || args.value("encoder")) {
    encoder = weightFile(args, "encoder"), decoder = weightFile(args, "decoder");
    source = encoder + ", " + decoder;
  } else {
    auto dir = fs::temp_directory_path() / "afterimage-bench-tae";
    fs::create_directories(dir);
    int channels = args.integer("latent-channels", 4);
    if (channels < 1 || channels > 64) throw UsageError("--latent-channels must be from 1 to 64");
    uint32_t latentChannels = static_cast<uint32_t>(channels);
    models::TinyAutoencoder::writeRandomWeights(dir.string(), latentChannels, 64, latentChannels == 32, 1);
    encoder = (dir / "encoder.safetensors").string(), decoder = (dir / "decoder.safetensors").string();
    source = "random weights of the TAESD layout, " + std::to_string(latentChannels) + " latent channels";
  }
  models::TinyAutoencoder tae(context, encoder, decoder);
  std::printf("device: %s (%s)\nweights: %s (%.2fM parameters)\n", context.info().name.c_str(),
              context.info().type.c_str(), source.c_str(), tae.parameterCount() / 1e6);
  uint32_t s = static_cast<uint32_t>(size);
  for (bool decode : {false, true}) {
    nn::Plan plan(context);
    nn::Tensor output;
    if (decode) {
      auto latent = plan.persistent({1, tae.latentChannels(), s / 8, s / 8});
      output = tae.decode(plan, latent, true);
    } else {
      auto image = plan.persistent({1, 3, s, s});
      output = tae.encode(plan, image, true);
    }
    plan.finalize();
    std::vector<gpu::StageTime> best;
    double bestTotal = 1e30;
    for (int r = 0; r < std::max(1, args.integer("repeats", 2)); ++r) {
      plan.run();
      auto times = plan.stageTimes();
      double total = 0;
      for (const auto& t : times) total += t.milliseconds;
      if (total < bestTotal) bestTotal = total, best = times;
    }
    const char* side = decode ? "decoder" : "encoder";
    std::printf("\n%s %dx%d: %.2f ms GPU total (%.1f fps), activations %.1f MiB\n", side, size, size, bestTotal,
                1000.0 / bestTotal, plan.activationBytes() / 1048576.0);
    for (const auto& t : best) std::printf("  %-12s %9.3f ms\n", t.label.c_str(), t.milliseconds);
  }
  return 0;
}

}  // namespace afterimage::cli
