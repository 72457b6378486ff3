// Motion adapter config.json (diffusers MotionAdapter): AnimateDiff's
// published configuration, errors that name the field, and the fit to a UNet.
#include "engine/models/motion_adapter_config.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace afterimage {
namespace {

// guoyww/animatediff-motion-adapter-v1-5-2's config.json.
constexpr const char* kAnimateDiffV2 = R"({
  "_class_name": "MotionAdapter",
  "block_out_channels": [320, 640, 1280, 1280],
  "conv_in_channels": null,
  "motion_layers_per_block": 2,
  "motion_max_seq_length": 32,
  "motion_mid_block_layers_per_block": 1,
  "motion_norm_num_groups": 32,
  "motion_num_attention_heads": 8,
  "use_motion_mid_block": true
})";

std::string errorOf(const std::string& json) {
  try {
    models::MotionAdapterConfig::fromJson(json, "adapter/config.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(MotionAdapterConfig, ReadsAnimateDiffV2) {
  auto c = models::MotionAdapterConfig::fromJson(kAnimateDiffV2, "config.json");
  EXPECT_EQ(c.blockOutChannels, (std::vector<uint32_t>{320, 640, 1280, 1280}));
  EXPECT_EQ(c.layersPerBlock, 2u);
  EXPECT_EQ(c.midLayers, 1u);
  EXPECT_EQ(c.heads, (std::vector<uint32_t>{8, 8, 8, 8}));
  EXPECT_EQ(c.transformerLayers, (std::vector<uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(c.upTransformerLayers, (std::vector<uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(c.maxFrames, 32u);
  EXPECT_EQ(c.normGroups, 32u);
}

TEST(MotionAdapterConfig, FitsTheSd15UNetButNotSdTurbo) {
  auto c = models::MotionAdapterConfig::fromJson(kAnimateDiffV2, "config.json");
  models::UNetConfig sd15 = models::UNetConfig::sdTurbo();  // SD 1.5 has the same blocks and layers
  EXPECT_NO_THROW(c.checkFits(sd15, "config.json"));
  sd15.layersPerBlock = 1;
  try {
    c.checkFits(sd15, "adapter/config.json");
    FAIL() << "an adapter of 2 layers a block fitted a UNet of 1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("motion_layers_per_block"), std::string::npos) << e.what();
  }
}

TEST(MotionAdapterConfig, NamesTheFieldOfAHeadCountOffTheKernel) {
  std::string json = kAnimateDiffV2;
  json.replace(json.find("\"motion_num_attention_heads\": 8"), 31, "\"motion_num_attention_heads\": 3");
  std::string message = errorOf(json);
  EXPECT_NE(message.find("adapter/config.json"), std::string::npos) << message;
  EXPECT_NE(message.find("motion_num_attention_heads"), std::string::npos) << message;
}

TEST(MotionAdapterConfig, RefusesAnInputConvolution) {
  std::string json = kAnimateDiffV2;
  json.replace(json.find("\"conv_in_channels\": null"), 24, "\"conv_in_channels\": 9");
  EXPECT_NE(errorOf(json).find("conv_in_channels"), std::string::npos);
}

TEST(MotionAdapterConfig, NamesGroupsThatDoNotDivideChannels) {
  std::string json = kAnimateDiffV2;
  json.replace(json.find("\"motion_norm_num_groups\": 32"), 28, "\"motion_norm_num_groups\": 24");
  EXPECT_NE(errorOf(json).find("motion_norm_num_groups"), std::string::npos);
}

TEST(MotionAdapterConfig, RejectsInvalidJson) {
  EXPECT_NE(errorOf("{\"block_out_channels\": [").find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace afterimage
