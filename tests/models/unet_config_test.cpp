// UNetConfig from diffusers' unet/config.json: fields read, unsupported
// features named. No GPU (part of the sanitizer build's suites).
#include "engine/models/unet_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

std::string writeTemp(const std::string& name, const std::string& text) {
  auto path = afterimage::testing::uniqueTempPath(name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(UNetConfigTest, UnsupportedFieldIsNamed) {
  std::string path = writeTemp("afterimage_unet_sdxl.json", R"({"addition_embed_type": "text_time"})");
  try {
    models::UNetConfig::fromFile(path);
    FAIL() << "accepted an SDXL config";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("addition_embed_type"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(UNetConfigTest, ReadsSdTurboShapes) {
  auto c = models::UNetConfig::fromJson(R"({"attention_head_dim": [5, 10, 20, 20], "block_out_channels": [320, 640, 1280, 1280],
    "cross_attention_dim": 1024, "use_linear_projection": true, "layers_per_block": 2})", "sd-turbo");
  EXPECT_EQ(c.heads, (std::vector<uint32_t>{5, 10, 20, 20}));
  EXPECT_EQ(c.timeEmbeddingDim(), 1280u);
  EXPECT_TRUE(c.midBlock);
  EXPECT_EQ(c.downCrossAttention, (std::vector<bool>{true, true, true, false}));
  EXPECT_THROW(models::UNetConfig::fromJson(R"({"attention_head_dim": [3, 10, 20, 20]})", "x"), std::runtime_error);
}


// Zero groups divided by zero (SIGFPE) in `models check` and `generate`.
TEST(UNetConfigTest, ZeroOrAbsurdDimensionsAreNamed) {
  for (const char* field : {"norm_num_groups", "layers_per_block", "cross_attention_dim", "in_channels"}) {
    for (const char* value : {"0", "100000"}) {
      std::string json = std::string(R"({")") + field + R"(": )" + value + "}";
      try {
        models::UNetConfig::fromJson(json, "config.json");
        FAIL() << "accepted " << json;
      } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_THROW(models::UNetConfig::fromJson(R"({"block_out_channels": [320, 0, 1280, 1280]})", "x"), std::runtime_error);
  EXPECT_THROW(models::UNetConfig::fromJson(R"({"norm_eps": 0})", "x"), std::runtime_error);
}

// A number outside the field's type was cast before it was checked:
// [1e300] in block_out_channels is undefined behaviour (found by
// fuzz_unet_config), -1 wrapped to 4294967295, 5e9 to 705032704.
TEST(UNetConfigTest, NumbersOutsideTheFieldsTypeAreNamed) {
  for (const char* json : {R"({"block_out_channels": [320, 1e300, 1280, 1280]})", R"({"in_channels": -1})",
                           R"({"layers_per_block": 5e9})", R"({"sample_size": 1e300})", R"({"norm_eps": 1e300})",
                           R"({"attention_head_dim": [5, 10, -20, 20]})", R"({"attention_head_dim": 4294967301})"}) {
    std::string field = std::string(json).substr(2, std::string(json).find('"', 2) - 2);  // {"field": ...}
    try {
      models::UNetConfig::fromJson(json, "config.json");
      FAIL() << "accepted " << json;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("'" + field + "'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace afterimage
