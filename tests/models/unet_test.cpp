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
