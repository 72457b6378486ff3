// The whole generation path against diffusers' StableDiffusionPipeline
// (tools/reference/model_pipeline.py): a complete model folder with small
// random weights (tokenizer, CLIP text encoder, UNet, AutoencoderTiny,
// Euler trailing scheduler), the project's seeded noise: text to image in
// 1 and 2 steps, with classifier-free guidance (scale 3, a negative prompt),
// image to image at strength 0.5 (StableDiffusionImg2ImgPipeline).
// Tolerances: final latent relative L2 < 1e-2 (f16 activations through
// every step; PyTorch runs f32), image (in [0, 1]) < 2e-2.
#include "engine/models/diffusion_model.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/diffusion/seeded_noise.h"
#include "engine/image/png_image.h"
#include "engine/models/sampler_graph.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"
#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;

class DiffusionModelTest : public testing::GpuTest {};

TEST_F(DiffusionModelTest, GenerationMatchesDiffusersPipeline) {
  testing::Golden golden("models/pipeline.safetensors");
  models::DiffusionModel model(context(), models::findModelFiles(testing::goldenPath("models/tiny_pipeline")));
  for (const auto& name : golden.cases()) {
    auto params = golden.params(name);
    uint32_t steps = params["steps"], size = params["size"];
    nn::Plan plan(context());
    uint32_t calls = params.contains("strength") ? uint32_t(steps * params["strength"].get<double>()) : steps;
    bool guidance = params.contains("guidance");
    models::SamplerGraph graph(plan, model.unet(), model.tae(),
                               {calls, size / 8, size / 8, model.contextTokens(), guidance});
    plan.finalize();

    auto noise = diffusion::gaussianNoise(params["seed"].get<uint64_t>(), graph.noise().elements());
    EXPECT_LT(testing::relativeL2(noise, golden.values(name, "noise")), 1e-6) << "seeded noise differs";
    nn::writeTensor(context(), graph.noise(), noise);
    std::vector<float> init(graph.initLatent().elements(), 0.0f);
    auto schedule = diffusion::textToImageSchedule(model.scheduler(), int(steps));
    if (params.contains("init")) {  // image to image: the init picture through the TAE encoder
      auto picture = image::readPng(testing::goldenPath("models/" + params["init"].get<std::string>()));
      nn::Plan encodePlan(context());
      auto input = encodePlan.persistent({1, 3, picture.height, picture.width});
      auto latent = model.tae().encode(encodePlan, input);
      encodePlan.finalize();
      nn::writeTensor(context(), input, picture.planar);
      encodePlan.run();
      init = nn::readTensor(context(), latent);
      schedule = diffusion::imageToImageSchedule(model.scheduler(), int(steps), params["strength"].get<double>());
    }
    nn::writeTensor(context(), graph.initLatent(), init);
    std::vector<float> text;
    if (guidance) text = model.embedPrompt(params["negative"].get<std::string>());  // unconditional first
    auto cond = model.embedPrompt(params["prompt"].get<std::string>());
    text.insert(text.end(), cond.begin(), cond.end());
    nn::writeTensor(context(), graph.context(), text);
    graph.setSchedule(context(), schedule, guidance ? params["guidance"].get<float>() : 1.0f);
    plan.run();

    EXPECT_LT(testing::goldenError(context(), graph.latent(), golden, name, "latent", 1e-2), 1e-2);
    auto image = nn::readTensor(context(), graph.image());
    for (auto& v : image) v = std::clamp(v, 0.0f, 1.0f);
    double imageError = testing::relativeL2(image, golden.values(name, "image"));
    std::printf("%s.image: relative L2 %.2e (limit 2e-2)\n", name.c_str(), imageError);
    EXPECT_LT(imageError, 2e-2);
  }
}

TEST_F(DiffusionModelTest, PromptMixIsTheNormalisedWeightedSum) {
  models::DiffusionModel model(context(), models::findModelFiles(testing::goldenPath("models/tiny_pipeline")));
  auto a = model.embedPrompt("a misty forest"), b = model.embedPrompt("neon city");
  auto mix = model.embedMix(text::parsePromptMix("a misty forest:1.4, neon city:0.6"));
  std::vector<float> expected(a.size());
  for (size_t i = 0; i < a.size(); ++i) expected[i] = 0.7f * a[i] + 0.3f * b[i];
  EXPECT_LT(testing::relativeL2(mix, expected), 1e-6);
  EXPECT_THROW(model.embedMix(text::parsePromptMix("a:0, b:0")), std::runtime_error);
}

TEST(ModelFolderTest, MissingPartsAreAllListed) {
  fs::path dir = afterimage::testing::uniqueTempPath("broken_model");
  fs::remove_all(dir);
  fs::copy(testing::goldenPath("models/tiny_pipeline"), dir, fs::copy_options::recursive);
  fs::remove(dir / "unet" / "diffusion_pytorch_model.safetensors");
  fs::remove_all(dir / "scheduler");
  try {
    models::findModelFiles(dir.string());
    FAIL() << "accepted a folder without UNet weights";
  } catch (const models::ModelFolderError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("unet/diffusion_pytorch_model.safetensors: missing"), std::string::npos) << message;
    EXPECT_NE(message.find("scheduler_config.json: missing"), std::string::npos) << message;
  }
  fs::remove_all(dir);
}

TEST(ModelFolderTest, PickleWeightsAndOtherArchitecturesAreRefusedByName) {
  fs::path dir = afterimage::testing::uniqueTempPath("pickle_model");
  fs::remove_all(dir);
  fs::copy(testing::goldenPath("models/tiny_pipeline"), dir, fs::copy_options::recursive);
  fs::rename(dir / "text_encoder" / "model.safetensors", dir / "text_encoder" / "model.bin");
  std::ofstream(dir / "model_index.json") << R"({"_class_name": "StableDiffusionXLPipeline"})";
  try {
    models::findModelFiles(dir.string());
    FAIL() << "accepted pickle weights and an SDXL pipeline";
  } catch (const models::ModelFolderError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("model.bin: PyTorch pickle weights are not read"), std::string::npos) << message;
    EXPECT_NE(message.find("'StableDiffusionXLPipeline' is not an SD 1.x/2.x-family pipeline"), std::string::npos)
        << message;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace afterimage
