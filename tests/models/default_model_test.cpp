// The shipped default model (sets/models/default/) against diffusers
// (tools/reference/model_default.py): style-mix context, the project's
// seeded noise, DDIM v-prediction in 1 and 2 steps, AutoencoderTiny decode.
// Tolerances as for the tiny pipeline: final latent relative L2 < 1e-2
// (f16 activations through every step; PyTorch runs f32), image < 2e-2.
// Then its temporal behaviour as the live generator uses it: image to image
// from the previous frame changes it more as the strength grows, and walking
// the noise seed or the style mix changes the picture without jumps.
#include <algorithm>
#include <cmath>

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

// Two-step frames at 64x64 through one recorded plan, as the live generator runs them.
class Frames {
 public:
  explicit Frames(gpu::Context& context)
      : context_(context), model_(context, models::findModelFiles(defaultModelDir())), plan_(context),
        graph_(plan_, model_.unet(), model_.tae(), {2, 8, 8, model_.contextTokens()}) {
    plan_.finalize();
  }
  // The image [3, 64, 64] in [0, 1]; the final latent is kept for `previous`.
  std::vector<float> render(const std::string& prompt, const std::vector<float>& noise, double strength = 1.0,
                            const std::vector<float>* previous = nullptr) {
    nn::writeTensor(context_, graph_.initLatent(),
                    previous ? *previous : std::vector<float>(graph_.initLatent().elements(), 0.0f));
    nn::writeTensor(context_, graph_.noise(), noise);
    nn::writeTensor(context_, graph_.context(), model_.embedMix(text::parsePromptMix(prompt)));
    graph_.setSchedule(context_, diffusion::streamSchedule(model_.scheduler(), 2, strength));
    plan_.run();
    latent = nn::readTensor(context_, graph_.latent());
    auto image = nn::readTensor(context_, graph_.image());
    for (auto& v : image) v = std::clamp(v, 0.0f, 1.0f);
    return image;
  }
  std::vector<float> noise(uint64_t seed) const { return diffusion::gaussianNoise(seed, graph_.noise().elements()); }
  std::vector<float> latent;

 private:
  gpu::Context& context_;
  models::DiffusionModel model_;
  nn::Plan plan_;
  models::SamplerGraph graph_;
};

double meanAbsDifference(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return sum / double(a.size());
}

// Img2img from the previous frame changes it more as the strength grows
// (0.05 to 1), and the lowest keeps it: less than half the change a fresh
// frame from other noise (strength 1) makes.
TEST_F(DefaultModelTest, ImageToImageChangesMoreAtHigherStrength) {
  Frames frames(context());
  auto first = frames.render("plasma", frames.noise(1));
  auto previous = frames.latent;
  std::vector<double> change;
  for (double strength : {0.05, 0.1, 0.25, 0.5, 1.0}) {
    change.push_back(meanAbsDifference(frames.render("plasma", frames.noise(2), strength, &previous), first));
    std::printf("strength %.2f: mean |frame - previous| %.4f\n", strength, change.back());
  }
  for (size_t i = 1; i < change.size(); ++i) EXPECT_LT(change[i - 1], change[i]) << "strength step " << i;
  EXPECT_LT(change[0], 0.5 * change[4]) << "a low strength must keep most of the previous frame";
}

// Eleven frames from one end to the other: no step between neighbours may be
// more than half the whole change (a jump), and the ends must differ.
void expectContinuous(const std::vector<std::vector<float>>& walk, const char* what) {
  double whole = meanAbsDifference(walk.front(), walk.back()), largest = 0;
  for (size_t i = 1; i < walk.size(); ++i) largest = std::max(largest, meanAbsDifference(walk[i - 1], walk[i]));
  std::printf("%s: ends differ by %.4f, largest step %.4f (limit half of it)\n", what, whole, largest);
  EXPECT_GT(whole, 0.01);
  EXPECT_LT(largest, 0.5 * whole);
}

TEST_F(DefaultModelTest, SeedWalkIsContinuous) {
  Frames frames(context());
  auto a = frames.noise(3), b = frames.noise(4);
  std::vector<std::vector<float>> walk;
  for (int i = 0; i <= 10; ++i) walk.push_back(frames.render("voronoi", diffusion::slerp(a, b, i / 10.0)));
  expectContinuous(walk, "seed slerp");
}

TEST_F(DefaultModelTest, StyleMixIsContinuous) {
  Frames frames(context());
  auto noise = frames.noise(5);
  std::vector<std::vector<float>> walk;
  for (int i = 0; i <= 10; ++i) {
    double t = i / 10.0;
    walk.push_back(frames.render("plasma:" + std::to_string(1 - t) + ", tunnel:" + std::to_string(t), noise));
  }
  expectContinuous(walk, "plasma -> tunnel mix");
}

}  // namespace
}  // namespace afterimage
