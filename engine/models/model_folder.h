// A model folder as users download it (diffusers layout, e.g.
// stabilityai/sd-turbo): model_index.json, unet/, text_encoder/,
// tokenizer/, scheduler/, and a tiny autoencoder (madebyollin/taesd) in
// taesd/ or as vae/ when that is an AutoencoderTiny. Only .safetensors
// weights are read; an fp16 variant is preferred when both are present.
// A folder whose model_index.json says "afterimage_conditioning":
// "style_tokens" (the project's default model) has no text encoder or
// tokenizer: its context comes from styles/styles.safetensors and
// styles/styles.json (see style_table.h).
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::models {

class ModelFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Conditioning { TextEncoder, StyleTokens };

struct ModelFiles {
  std::string root;
  Conditioning conditioning = Conditioning::TextEncoder;
  std::string stylesWeights, stylesNames;  // StyleTokens only
  std::string unetConfig, unetWeights;
  std::string textEncoderConfig, textEncoderWeights;  // TextEncoder only
  std::string tokenizerDir;                           // TextEncoder only
  std::string schedulerConfig;
  std::string taeEncoder, taeDecoder;
  // Optional temporal layers: motion_adapter/ (a diffusers MotionAdapter,
  // e.g. AnimateDiff's), empty when the folder has none.
  std::string motionConfig, motionWeights;
};

// Throws ModelFolderError listing every missing or unsupported part (the
// path and what to do about it). taeDir, when not empty, overrides where the
// tiny autoencoder is looked for.
ModelFiles findModelFiles(const std::string& dir, const std::string& taeDir = "");

// The tiny autoencoder's two weight files in `dir`: *encoder*/*decoder*
// .safetensors, or one diffusers AutoencoderTiny file serving both. Appends
// to `problems` what is missing.
void findTinyAutoencoder(const std::string& dir, ModelFiles& files, std::vector<std::string>& problems);

}  // namespace afterimage::models
