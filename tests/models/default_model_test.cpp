// The shipped default model (sets/models/default/) against diffusers
// (tools/reference/model_default.py): style-mix context, the project's
// seeded noise, DDIM v-prediction in 1 and 2 steps, AutoencoderTiny decode.
// Tolerances as for the tiny pipeline: final latent relative L2 < 1e-2
// (f16 activations through every step; PyTorch runs f32), image < 2e-2.
#include <algorithm>

#include "engine/diffusion/seeded_noise.h"
#include "engine/models/diffusion_model.h"
#include "engine/models/sampler_graph.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

std::string defaultModelDir() { return std::string(AFTERIMAGE_SOURCE_DIR) + "/sets/models/default"; }

class DefaultModelTest : public testing::GpuTest {};

TEST_F(DefaultModelTest, GenerationMatchesDiffusers) {
  testing::Golden golden("models/default_model.safetensors");
  models::DiffusionModel model(context(), models::findModelFiles(defaultModelDir()));
  ASSERT_NE(model.styles(), nullptr) << "the default model is conditioned on style tokens";
  for (const auto& name : golden.cases()) {
    auto params = golden.params(name);
    uint32_t steps = params["steps"], size = params["size"];
    nn::Plan plan(context());
    models::SamplerGraph graph(plan, model.unet(), model.tae(), {steps, size / 8, size / 8, model.contextTokens()});
    plan.finalize();

    auto noise = diffusion::gaussianNoise(params["seed"].get<uint64_t>(), graph.noise().elements());
    EXPECT_LT(testing::relativeL2(noise, golden.values(name, "noise")), 1e-6) << "seeded noise differs";
    auto mix = model.embedMix(text::parsePromptMix(params["prompt"].get<std::string>()));
    double contextError = testing::relativeL2(mix, golden.values(name, "context"));
    std::printf("%s.context: relative L2 %.2e (limit 1e-3, f16 table)\n", name.c_str(), contextError);
    EXPECT_LT(contextError, 1e-3);
    nn::writeTensor(context(), graph.noise(), noise);
    nn::writeTensor(context(), graph.initLatent(), std::vector<float>(graph.initLatent().elements(), 0.0f));
    nn::writeTensor(context(), graph.context(), mix);
    graph.setSchedule(context(), diffusion::textToImageSchedule(model.scheduler(), int(steps)));
    plan.run();

    EXPECT_LT(testing::goldenError(context(), graph.latent(), golden, name, "latent", 1e-2), 1e-2);
    auto image = nn::readTensor(context(), graph.image());
    for (auto& v : image) v = std::clamp(v, 0.0f, 1.0f);
    double imageError = testing::relativeL2(image, golden.values(name, "image"));
    std::printf("%s.image: relative L2 %.2e (limit 2e-2)\n", name.c_str(), imageError);
    EXPECT_LT(imageError, 2e-2);
  }
}

}  // namespace
}  // namespace afterimage
