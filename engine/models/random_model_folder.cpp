#include "engine/models/random_model_folder.h"

#include <filesystem>
#include <fstream>

#include "engine/models/clip_text_encoder.h"
#include "engine/models/model_folder.h"
#include "engine/models/random_tensor_file.h"
#include "engine/models/tiny_autoencoder.h"
#include "engine/models/unet.h"

namespace afterimage::models {
namespace {

namespace fs = std::filesystem;

// OpenCLIP ViT-H/14's text tower as SD 2.x folders keep it (23 layers).
constexpr const char* kTextEncoderConfig = R"({
  "architectures": ["CLIPTextModel"],
  "hidden_act": "gelu",
  "hidden_size": 1024,
  "intermediate_size": 4096,
  "layer_norm_eps": 1e-05,
  "max_position_embeddings": 77,
  "model_type": "clip_text_model",
  "num_attention_heads": 16,
  "num_hidden_layers": 23,
  "projection_dim": 512,
  "vocab_size": 49408
})";

constexpr const char* kSchedulerConfig = R"({
  "_class_name": "EulerDiscreteScheduler",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "steps_offset": 1,
  "timestep_spacing": "trailing"
})";

void writeText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path);
  out << text << "\n";
  if (!out) throw ModelFolderError(path.string() + ": cannot write");
}

}  // namespace

void writeRandomSdTurboFolder(gpu::Context& context, const std::string& dir, const std::string& tokenizerDir,
                              uint64_t seed, unsigned threads) {
  fs::path root(dir);
  if (!fs::is_regular_file(fs::path(tokenizerDir) / "vocab.json"))
    throw ModelFolderError(tokenizerDir + ": no vocab.json (give a CLIP tokenizer folder)");
  writeText(root / "model_index.json",
            R"({"_class_name": "StableDiffusionPipeline", "afterimage": "random weights of SD-Turbo's shapes"})");
  writeText(root / "unet" / "config.json", UNetConfig::sdTurboJson());
  writeRandomTensorFile((root / "unet" / "diffusion_pytorch_model.fp16.safetensors").string(),
                        UNet::tensorShapes(context, UNetConfig::sdTurbo()), seed, threads);
  writeText(root / "text_encoder" / "config.json", kTextEncoderConfig);
  std::string textConfig = (root / "text_encoder" / "config.json").string();
  writeRandomTensorFile((root / "text_encoder" / "model.fp16.safetensors").string(),
                        ClipTextEncoder::tensorShapes(context, ClipTextConfig::fromFile(textConfig)), seed + 1000000,
                        threads);
  fs::create_directories(root / "tokenizer");
  for (const auto& entry : fs::directory_iterator(tokenizerDir))
    fs::copy_file(entry.path(), root / "tokenizer" / entry.path().filename(), fs::copy_options::overwrite_existing);
  writeText(root / "scheduler" / "scheduler_config.json", kSchedulerConfig);
  fs::create_directories(root / "taesd");
  TinyAutoencoder::writeRandomWeights((root / "taesd").string(), 4, 64, false, uint32_t(seed));
}

}  // namespace afterimage::models
