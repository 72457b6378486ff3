// The SD UNet family's configuration (diffusers UNet2DConditionModel
// config.json): SD 1.x/2.x, SD-Turbo, LCM/Hyper-SD distillations and slimmer
// variants with the same block types. Unsupported features (SDXL's added
// embeddings, LCM's guidance embedding, ...) are reported by name.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace afterimage::models {

struct UNetConfig {
  uint32_t inChannels = 4;
  uint32_t outChannels = 4;
  std::vector<uint32_t> blockOutChannels;
  uint32_t layersPerBlock = 2;
  std::vector<uint32_t> heads;              // per down block; up blocks use them reversed
  std::vector<uint32_t> transformerLayers;  // per down block
  std::vector<bool> downCrossAttention;     // CrossAttnDownBlock2D or DownBlock2D
  std::vector<bool> upCrossAttention;       // in up-block order
  bool midBlock = true;                     // UNetMidBlock2DCrossAttn, or none
  uint32_t crossAttentionDim = 768;
  uint32_t normGroups = 32;
  float normEps = 1e-5f;
  bool linearProjection = false;  // transformer proj_in/out Linear (SD2) or 1x1 conv (SD1)
  bool flipSinToCos = true;
  float freqShift = 0.0f;
  uint32_t sampleSize = 64;

  uint32_t timeEmbeddingDim() const { return blockOutChannels.at(0) * 4; }

  // Throws std::runtime_error naming the file and the field.
  static UNetConfig fromFile(const std::string& path);
  static UNetConfig fromJson(const std::string& text, const std::string& source);
  // stabilityai/sd-turbo's unet/config.json (the SD 2.1 UNet), for benchmarks.
  static UNetConfig sdTurbo();
  static const char* sdTurboJson();
};

}  // namespace afterimage::models
