#include "engine/models/unet_config.h"

#include "engine/models/config_reader.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace afterimage::models {
using nlohmann::json;

UNetConfig UNetConfig::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the UNet config");
  std::stringstream text;
  text << in.rdbuf();
  return fromJson(text.str(), path);
}

UNetConfig UNetConfig::fromJson(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(source + ": not valid JSON: " + e.what());
  }
  ConfigReader r(j, source);
  UNetConfig c;
  c.inChannels = r.dimension("in_channels", r.get<uint32_t>("in_channels", 4), 1, 64);
  c.outChannels = r.dimension("out_channels", r.get<uint32_t>("out_channels", 4), 1, 64);
  c.blockOutChannels = r.get<std::vector<uint32_t>>("block_out_channels", {320, 640, 1280, 1280});
  size_t blocks = c.blockOutChannels.size();
  if (blocks == 0 || blocks > 8) r.fail("block_out_channels", "must have 1 to 8 entries");
  for (uint32_t channels : c.blockOutChannels) r.dimension("block_out_channels", channels, 1, 8192);
  c.layersPerBlock = r.dimension("layers_per_block", r.get<uint32_t>("layers_per_block", 2), 1, 16);
  // diffusers: heads = num_attention_heads or attention_head_dim (the latter
  // names the head count in SD configs, a historical misnomer).
  c.heads = r.present("num_attention_heads") ? r.perBlock("num_attention_heads", blocks, 8)
                                             : r.perBlock("attention_head_dim", blocks, 8);
  c.transformerLayers = r.perBlock("transformer_layers_per_block", blocks, 1);
  for (uint32_t layers : c.transformerLayers) r.dimension("transformer_layers_per_block", layers, 1, 16);
  c.crossAttentionDim = r.dimension("cross_attention_dim", r.get<uint32_t>("cross_attention_dim", 768), 1, 8192);
  c.normGroups = r.dimension("norm_num_groups", r.get<uint32_t>("norm_num_groups", 32), 1, 8192);
  c.normEps = r.get<float>("norm_eps", 1e-5f);
  if (!(c.normEps > 0 && c.normEps < 1)) r.fail("norm_eps", "must be a positive number below 1");
  c.linearProjection = r.get<bool>("use_linear_projection", false);
  c.flipSinToCos = r.get<bool>("flip_sin_to_cos", true);
  c.freqShift = r.get<float>("freq_shift", 0.0f);
  c.sampleSize = r.get<uint32_t>("sample_size", 64);

  auto down = r.get<std::vector<std::string>>(
      "down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"});
  auto up = r.get<std::vector<std::string>>(
      "up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"});
  if (down.size() != blocks) r.fail("down_block_types", "must have one entry per block_out_channels entry");
  if (up.size() != blocks) r.fail("up_block_types", "must have one entry per block_out_channels entry");
  for (const auto& t : down) {
    if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D") r.fail("down_block_types", "has unsupported type " + t);
    c.downCrossAttention.push_back(t == "CrossAttnDownBlock2D");
  }
  for (const auto& t : up) {
    if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D") r.fail("up_block_types", "has unsupported type " + t);
    c.upCrossAttention.push_back(t == "CrossAttnUpBlock2D");
  }
  // Absent: diffusers' default mid block; null: none.
  c.midBlock = !j.contains("mid_block_type") || r.present("mid_block_type");
  if (c.midBlock) r.require("mid_block_type", "UNetMidBlock2DCrossAttn");

  for (size_t i = 0; i < blocks; ++i) {
    if (c.heads[i] == 0 || c.blockOutChannels[i] % c.heads[i] != 0)
      r.fail("attention_head_dim", "gives " + std::to_string(c.heads[i]) + " heads, which do not divide " +
                                       std::to_string(c.blockOutChannels[i]) + " channels");
    if (c.blockOutChannels[i] % c.normGroups != 0)
      r.fail("norm_num_groups", std::to_string(c.normGroups) + " does not divide " +
                                    std::to_string(c.blockOutChannels[i]) + " channels");
  }
  r.require("class_embed_type", nullptr);
  r.require("addition_embed_type", nullptr);
  r.require("encoder_hid_dim_type", nullptr);
  r.require("time_cond_proj_dim", nullptr);
  r.require("time_embedding_type", "positional");
  r.require("resnet_time_scale_shift", "default");
  r.require("only_cross_attention", false);
  r.require("dual_cross_attention", false);
  r.require("conv_in_kernel", 3);
  r.require("conv_out_kernel", 3);
  r.require("downsample_padding", 1);
  r.require("mid_block_scale_factor", 1);
  r.require("center_input_sample", false);
  r.require("act_fn", "silu");
  r.require("num_class_embeds", nullptr);
  r.require("encoder_hid_dim", nullptr);
  r.require("time_embedding_dim", nullptr);
  r.require("time_embedding_act_fn", nullptr);
  r.require("timestep_post_act", nullptr);
  r.require("cross_attention_norm", nullptr);
  r.require("attention_type", "default");
  r.require("resnet_out_scale_factor", 1);
  r.require("resnet_skip_time_act", false);
  r.require("class_embeddings_concat", false);
  r.require("reverse_transformer_layers_per_block", nullptr);
  return c;
}

const char* UNetConfig::sdTurboJson() {
  return R"({
  "_class_name": "UNet2DConditionModel",
  "attention_head_dim": [5, 10, 20, 20],
  "block_out_channels": [320, 640, 1280, 1280],
  "cross_attention_dim": 1024,
  "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
  "flip_sin_to_cos": true,
  "freq_shift": 0,
  "in_channels": 4,
  "layers_per_block": 2,
  "norm_eps": 1e-05,
  "norm_num_groups": 32,
  "out_channels": 4,
  "sample_size": 64,
  "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
  "use_linear_projection": true
})";
}

UNetConfig UNetConfig::sdTurbo() { return fromJson(sdTurboJson(), "built-in sd-turbo config"); }

}  // namespace afterimage::models
