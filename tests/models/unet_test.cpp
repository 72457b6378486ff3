// UNet against diffusers' UNet2DConditionModel (tools/reference/
// model_unet.py): two small random-weight configurations of the SD family,
// batch 2 with different timesteps. Tolerance: relative L2 < 1e-2 (f16
// activations through ~60 layers; PyTorch runs f32); the error is printed.
#include "engine/models/unet.h"

#include <filesystem>
#include <fstream>

#include "engine/nn/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"
#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 1e-2;

class UNetTest : public testing::GpuTest {
 protected:
  void checkAgainstGolden(const std::string& name) {
    testing::Golden golden("models/unet.safetensors");
    std::string dir = testing::goldenPath("models/" + name + "/");
    models::UNet unet(context(), dir + "config.json", dir + "diffusion_pytorch_model.safetensors");
    EXPECT_EQ(unet.parameterCount(), golden.params(name)["parameters"].get<uint64_t>());
    nn::Plan plan(context());
    auto sample = testing::goldenInput(plan, golden, name, "sample");
    auto timesteps = testing::goldenInput(plan, golden, name, "timesteps", nn::DType::F32);
    auto text = testing::goldenInput(plan, golden, name, "context");
    auto output = unet.forward(plan, sample.tensor, timesteps.tensor, text.tensor, true);
    plan.finalize();
    EXPECT_EQ(output.shape(), golden.shape(name, "output"));
    testing::writeGoldenInputs(context(), {&sample, &timesteps, &text});
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "output", kTolerance), kTolerance);
    std::printf("%s: %llu parameters, %zu steps, activations %.2f MiB\n", name.c_str(),
                static_cast<unsigned long long>(unet.parameterCount()), plan.stepCount(),
                plan.activationBytes() / 1048576.0);
  }
};

TEST_F(UNetTest, LinearProjectionConfigMatchesDiffusers) { checkAgainstGolden("unet_tiny_linear"); }

TEST_F(UNetTest, ConvProjectionConfigMatchesDiffusers) { checkAgainstGolden("unet_tiny_conv"); }

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

TEST_F(UNetTest, MisshapedWeightIsNamed) {
  std::string dir = testing::goldenPath("models/unet_tiny_linear/");
  std::string config = writeTemp("afterimage_unet_wide.json", [&] {
    std::ifstream in(dir + "config.json");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    return text.replace(text.find("\"cross_attention_dim\": 24"), 25, "\"cross_attention_dim\": 32");
  }());
  try {
    models::UNet unet(context(), config, dir + "diffusion_pytorch_model.safetensors");
    FAIL() << "loaded weights that do not match the config";
  } catch (const nn::WeightError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("attn2.to_k.weight"), std::string::npos) << message;
    EXPECT_NE(message.find("diffusion_pytorch_model.safetensors"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace afterimage
