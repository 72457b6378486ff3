// CLIP text encoder against transformers' CLIPTextModel (tools/reference/
// model_clip_text.py): GELU and QuickGELU configurations, two padded
// sequences of 77 tokens (causal attention makes padding harmless).
// Tolerance: relative L2 < 5e-3 (f16 activations; PyTorch runs f32).
#include "engine/models/clip_text_encoder.h"

#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 5e-3;

class ClipTextEncoderTest : public testing::GpuTest {
 protected:
  void checkAgainstGolden(const std::string& name) {
    testing::Golden golden("models/clip_text.safetensors");
    std::string dir = testing::goldenPath("models/" + name + "/");
    models::ClipTextEncoder encoder(context(), dir + "config.json", dir + "model.safetensors");
    EXPECT_EQ(encoder.parameterCount(), golden.params(name)["parameters"].get<uint64_t>());
    auto ids = golden.values(name, "ids");
    auto idShape = golden.shape(name, "ids");
    uint32_t batch = idShape[0], tokens = idShape[1], hidden = encoder.config().hiddenSize;
    nn::Plan plan(context());
    auto embeddings = plan.persistent({batch, tokens, hidden});
    auto output = encoder.forward(plan, embeddings);
    plan.finalize();
    std::vector<float> values;
    for (uint32_t b = 0; b < batch; ++b) {
      std::vector<int32_t> row(ids.begin() + b * tokens, ids.begin() + (b + 1) * tokens);
      auto e = encoder.embed(row);
      values.insert(values.end(), e.begin(), e.end());
    }
    nn::writeTensor(context(), embeddings, values);
    plan.run();
    EXPECT_LT(testing::goldenError(context(), output, golden, name, "hidden", kTolerance), kTolerance);
  }
};

TEST_F(ClipTextEncoderTest, GeluConfigMatchesTransformers) { checkAgainstGolden("clip_tiny_gelu"); }

TEST_F(ClipTextEncoderTest, QuickGeluConfigMatchesTransformers) { checkAgainstGolden("clip_tiny_quickgelu"); }

TEST_F(ClipTextEncoderTest, TokenOutsideVocabularyIsAnError) {
  std::string dir = testing::goldenPath("models/clip_tiny_gelu/");
  models::ClipTextEncoder encoder(context(), dir + "config.json", dir + "model.safetensors");
  EXPECT_THROW(encoder.embed({998, 5000}), std::runtime_error);
  EXPECT_THROW(encoder.embed(std::vector<int32_t>(78, 1)), std::runtime_error);
}

}  // namespace
}  // namespace afterimage
