#include "engine/models/model_folder.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace afterimage::models {
namespace {

namespace fs = std::filesystem;

// stem.fp16.safetensors, else stem.safetensors; a .bin is named as unsupported.
std::string findWeights(const fs::path& dir, const std::string& stem, std::vector<std::string>& problems) {
  for (const char* suffix : {".fp16.safetensors", ".safetensors"}) {
    fs::path candidate = dir / (stem + suffix);
    if (fs::is_regular_file(candidate)) return candidate.string();
  }
  if (fs::exists(dir / (stem + ".bin")) || fs::exists(dir / (stem + ".fp16.bin")))
    problems.push_back((dir / (stem + ".bin")).string() +
                       ": PyTorch pickle weights are not read (they can run code); download the .safetensors "
                       "variant or convert them");
  else
    problems.push_back((dir / (stem + ".safetensors")).string() + ": missing");
  return "";
}

std::string requireFile(const fs::path& path, std::vector<std::string>& problems) {
  if (fs::is_regular_file(path)) return path.string();
  problems.push_back(path.string() + ": missing");
  return "";
}

// A string field of a JSON file, "" when the file, the field or its value is not there.
std::string stringField(const fs::path& path, const char* field) {
  std::ifstream in(path);
  if (!in) return "";
  try {
    auto j = nlohmann::json::parse(in);
    return j.contains(field) && j[field].is_string() ? j[field].get<std::string>() : "";
  } catch (const nlohmann::json::exception&) {
    return "";
  }
}

std::string className(const fs::path& config) { return stringField(config, "_class_name"); }

}  // namespace

void findTinyAutoencoder(const std::string& dir, ModelFiles& files, std::vector<std::string>& problems) {
  std::vector<std::string> encoders, decoders;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      if (!name.ends_with(".safetensors")) continue;
      if (name.find("encoder") != std::string::npos) encoders.push_back(entry.path().string());
      if (name.find("decoder") != std::string::npos) decoders.push_back(entry.path().string());
    }
  }
  if (encoders.size() == 1 && decoders.size() == 1) {
    files.taeEncoder = encoders[0], files.taeDecoder = decoders[0];
    return;
  }
  std::vector<std::string> ignored;
  std::string combined = findWeights(dir, "diffusion_pytorch_model", ignored);
  if (!combined.empty()) {
    files.taeEncoder = files.taeDecoder = combined;
    return;
  }
  problems.push_back(dir + ": no tiny autoencoder (expected taesd_encoder.safetensors and taesd_decoder.safetensors, "
                           "or a diffusers AutoencoderTiny diffusion_pytorch_model.safetensors)");
}

ModelFiles findModelFiles(const std::string& dir, const std::string& taeDir) {
  fs::path root(dir);
  if (!fs::is_directory(root)) throw ModelFolderError(dir + ": not a directory");
  ModelFiles files;
  files.root = dir;
  std::vector<std::string> problems;
  if (requireFile(root / "model_index.json", problems).size()) {
    // Pipelines known to need other architectures are refused up front; the
    // project's own (style tokens) and unnamed ones are judged by their configs.
    std::string pipeline = className(root / "model_index.json");
    bool sdFamily = pipeline.starts_with("StableDiffusion") && pipeline.find("XL") == std::string::npos &&
                    pipeline.find("3") == std::string::npos;
    if (!sdFamily && !pipeline.empty() && !pipeline.starts_with("Afterimage"))
      problems.push_back((root / "model_index.json").string() + ": _class_name '" + pipeline +
                         "' is not an SD 1.x/2.x-family pipeline (StableDiffusionPipeline and its img2img form "
                         "are; SDXL, SD3 and FLUX are not supported)");
  }
  files.unetConfig = requireFile(root / "unet" / "config.json", problems);
  files.unetWeights = findWeights(root / "unet", "diffusion_pytorch_model", problems);
  std::string conditioning = stringField(root / "model_index.json", "afterimage_conditioning");
  if (conditioning == "style_tokens") {
    files.conditioning = Conditioning::StyleTokens;
    files.stylesWeights = requireFile(root / "styles" / "styles.safetensors", problems);
    files.stylesNames = requireFile(root / "styles" / "styles.json", problems);
  } else {
    if (!conditioning.empty())
      problems.push_back((root / "model_index.json").string() + ": field 'afterimage_conditioning' is '" +
                         conditioning + "'; expected \"style_tokens\" (or no field: a CLIP text encoder)");
    files.textEncoderConfig = requireFile(root / "text_encoder" / "config.json", problems);
    files.textEncoderWeights = findWeights(root / "text_encoder", "model", problems);
    files.tokenizerDir = (root / "tokenizer").string();
    requireFile(root / "tokenizer" / "vocab.json", problems);
    requireFile(root / "tokenizer" / "merges.txt", problems);
  }
  files.schedulerConfig = requireFile(root / "scheduler" / "scheduler_config.json", problems);
  if (fs::exists(root / "motion_adapter")) {
    files.motionConfig = requireFile(root / "motion_adapter" / "config.json", problems);
    files.motionWeights = findWeights(root / "motion_adapter", "diffusion_pytorch_model", problems);
  }

  if (!taeDir.empty()) {
    findTinyAutoencoder(taeDir, files, problems);
  } else if (fs::is_directory(root / "taesd")) {
    findTinyAutoencoder((root / "taesd").string(), files, problems);
  } else if (className(root / "vae" / "config.json") == "AutoencoderTiny") {
    findTinyAutoencoder((root / "vae").string(), files, problems);
  } else {
    problems.push_back(dir + ": no tiny autoencoder: the full VAE (vae/) is not used; put madebyollin/taesd in " +
                       (root / "taesd").string() + " or pass --tae DIR");
  }
  if (!problems.empty()) {
    std::string message = dir + ": not a usable model folder:";
    for (const auto& p : problems) message += "\n  " + p;
    throw ModelFolderError(message);
  }
  return files;
}

}  // namespace afterimage::models
