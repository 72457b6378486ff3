// A motion adapter's configuration (diffusers MotionAdapter config.json, the
// layout AnimateDiff and AnimateDiff-Lightning motion weights are published
// in): temporal transformers after each layer of the SD UNet's down, mid and
// up blocks. Unsupported features are reported by field name.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/models/unet_config.h"

namespace afterimage::models {

struct MotionAdapterConfig {
  std::vector<uint32_t> blockOutChannels;
  uint32_t layersPerBlock = 2;           // per down block; up blocks have one more
  uint32_t midLayers = 1;                // 0 without a motion mid block
  std::vector<uint32_t> heads;           // per down block; up blocks use them reversed
  std::vector<uint32_t> transformerLayers;         // per down block
  std::vector<uint32_t> upTransformerLayers;       // per up block
  uint32_t midTransformerLayers = 1;
  uint32_t normGroups = 32;
  uint32_t maxFrames = 32;               // the sinusoidal position table's length

  // Throws std::runtime_error naming the file and the field.
  static MotionAdapterConfig fromFile(const std::string& path);
  static MotionAdapterConfig fromJson(const std::string& text, const std::string& source);

  // Throws std::runtime_error naming `source` and what differs when the
  // adapter does not fit the UNet (channels, layers, a motion mid block
  // without the UNet's mid block).
  void checkFits(const UNetConfig& unet, const std::string& source) const;
};

}  // namespace afterimage::models
