#include "engine/models/motion_adapter_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/models/config_reader.h"
#include "engine/nn/temporal_attention.h"

namespace afterimage::models {

MotionAdapterConfig MotionAdapterConfig::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the motion adapter config");
  std::stringstream text;
  text << in.rdbuf();
  return fromJson(text.str(), path);
}

MotionAdapterConfig MotionAdapterConfig::fromJson(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(source + ": not valid JSON: " + e.what());
  }
  ConfigReader r(j, source);
  MotionAdapterConfig c;
  c.blockOutChannels = r.get<std::vector<uint32_t>>("block_out_channels", {320, 640, 1280, 1280});
  size_t blocks = c.blockOutChannels.size();
  if (blocks == 0 || blocks > 8) r.fail("block_out_channels", "must have 1 to 8 entries");
  for (uint32_t channels : c.blockOutChannels) r.dimension("block_out_channels", channels, 1, 8192);
  c.layersPerBlock = r.dimension("motion_layers_per_block", r.get<uint32_t>("motion_layers_per_block", 2), 1, 16);
  bool mid = r.get<bool>("use_motion_mid_block", true);
  c.midLayers = mid ? r.dimension("motion_mid_block_layers_per_block",
                                  r.get<uint32_t>("motion_mid_block_layers_per_block", 1), 1, 16)
                    : 0;
  c.heads = r.perBlock("motion_num_attention_heads", blocks, 8);
  c.transformerLayers = r.perBlock("motion_transformer_layers_per_block", blocks, 1);
  c.upTransformerLayers = r.present("reverse_motion_transformer_layers_per_block")
                              ? r.perBlock("reverse_motion_transformer_layers_per_block", blocks, 1)
                              : std::vector<uint32_t>(c.transformerLayers.rbegin(), c.transformerLayers.rend());
  for (uint32_t layers : c.transformerLayers) r.dimension("motion_transformer_layers_per_block", layers, 1, 16);
  for (uint32_t layers : c.upTransformerLayers)
    r.dimension("reverse_motion_transformer_layers_per_block", layers, 1, 16);
  c.midTransformerLayers = r.dimension("motion_transformer_layers_per_mid_block",
                                       r.get<uint32_t>("motion_transformer_layers_per_mid_block", 1), 1, 16);
  c.normGroups = r.dimension("motion_norm_num_groups", r.get<uint32_t>("motion_norm_num_groups", 32), 1, 8192);
  c.maxFrames = r.dimension("motion_max_seq_length", r.get<uint32_t>("motion_max_seq_length", 32), 1, 4096);
  r.require("conv_in_channels", nullptr);

  for (size_t i = 0; i < blocks; ++i) {
    uint32_t channels = c.blockOutChannels[i];
    if (c.heads[i] == 0 || channels % c.heads[i] != 0 || (channels / c.heads[i]) % 4 != 0 ||
        channels / c.heads[i] > nn::kTemporalAttentionMaxHeadDim)
      r.fail("motion_num_attention_heads",
             "gives " + std::to_string(c.heads[i]) + " heads for " + std::to_string(channels) +
                 " channels; the head size must be a multiple of 4 up to " +
                 std::to_string(nn::kTemporalAttentionMaxHeadDim));
    if (channels % c.normGroups != 0)
      r.fail("motion_norm_num_groups",
             std::to_string(c.normGroups) + " does not divide " + std::to_string(channels) + " channels");
  }
  return c;
}

void MotionAdapterConfig::checkFits(const UNetConfig& unet, const std::string& source) const {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(source + ": the motion adapter does not fit the UNet: " + what);
  };
  if (blockOutChannels != unet.blockOutChannels) fail("block_out_channels differ");
  if (layersPerBlock != unet.layersPerBlock)
    fail("motion_layers_per_block is " + std::to_string(layersPerBlock) + ", the UNet's layers_per_block " +
         std::to_string(unet.layersPerBlock));
  if (midLayers > 0 && !unet.midBlock) fail("it has a motion mid block and the UNet has no mid block");
  if (midLayers > 1) fail("motion_mid_block_layers_per_block must be 1 for the UNet's one mid attention");
}

}  // namespace afterimage::models
