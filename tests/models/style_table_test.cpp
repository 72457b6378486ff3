// Style-token conditioning (engine/models/style_table, model_folder,
// diffusion_model): a copy of the tiny pipeline folder with its tokenizer
// and text encoder replaced by a seeded random table of 3 styles x 3 tokens x
// 32 (the UNet's cross_attention_dim), declared in model_index.json.
#include "engine/models/style_table.h"

#include <filesystem>
#include <fstream>

#include "engine/models/diffusion_model.h"
#include "engine/models/sampler_graph.h"
#include "engine/nn/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"
#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kStyles = 3, kTokens = 3, kDim = 32;

std::vector<float> randomTable() {
  std::vector<float> values(kStyles * kTokens * kDim);
  uint32_t state = 12345;
  for (auto& v : values) {
    state = state * 1664525u + 1013904223u;
    v = float(state >> 8) / float(1u << 24) * 2.0f - 1.0f;
  }
  return values;
}

// The style folder; `names` goes into styles.json as given.
fs::path writeStyleFolder(const std::string& names = R"(["plasma", "voronoi", "tunnel"])") {
  // One folder per test process: ctest runs these tests in parallel.
  fs::path dir = testing::uniqueTempPath("style_model");
  fs::remove_all(dir);
  fs::copy(testing::goldenPath("models/tiny_pipeline"), dir, fs::copy_options::recursive);
  fs::remove_all(dir / "text_encoder");
  fs::remove_all(dir / "tokenizer");
  fs::create_directories(dir / "styles");
  std::ofstream(dir / "model_index.json") << R"({"afterimage_conditioning": "style_tokens"})";
  std::ofstream(dir / "styles" / "styles.json") << R"({"styles": )" << names << "}";
  nn::writeSafetensors((dir / "styles" / "styles.safetensors").string(),
                       {{"embeddings", {kStyles, kTokens, kDim}, randomTable(), nn::StoredType::F32}});
  return dir;
}

std::vector<float> row(size_t style) {
  auto table = randomTable();
  size_t n = kTokens * kDim;
  return {table.begin() + style * n, table.begin() + (style + 1) * n};
}

class StyleTableTest : public testing::GpuTest {};

TEST(StyleFolderTest, DeclaredFolderNeedsNoTextEncoder) {
  auto dir = writeStyleFolder();
  auto files = models::findModelFiles(dir.string());
  EXPECT_EQ(files.conditioning, models::Conditioning::StyleTokens);
  EXPECT_EQ(files.stylesWeights, (dir / "styles" / "styles.safetensors").string());
  EXPECT_TRUE(files.textEncoderWeights.empty());
  fs::remove_all(dir / "styles");
  try {
    models::findModelFiles(dir.string());
    FAIL() << "accepted a style-token folder without styles/";
  } catch (const models::ModelFolderError& e) {
    EXPECT_NE(std::string(e.what()).find("styles.safetensors: missing"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(StyleFolderTest, UnknownConditioningIsNamed) {
  auto dir = writeStyleFolder();
  std::ofstream(dir / "model_index.json") << R"({"afterimage_conditioning": "clip_vision"})";
  try {
    models::findModelFiles(dir.string());
    FAIL() << "accepted an unknown conditioning";
  } catch (const models::ModelFolderError& e) {
    EXPECT_NE(std::string(e.what()).find("'clip_vision'"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(StyleFolderTest, NameCountMustMatchTheTable) {
  auto dir = writeStyleFolder(R"(["plasma", "voronoi"])");
  auto files = models::findModelFiles(dir.string());
  try {
    models::StyleTable::load(files.stylesWeights, files.stylesNames);
    FAIL() << "accepted 2 names for 3 styles";
  } catch (const models::StyleTableError& e) {
    EXPECT_NE(std::string(e.what()).find("holds 3 styles"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST_F(StyleTableTest, PromptIsAStyleAndMixesAreNormalised) {
  auto dir = writeStyleFolder();
  models::DiffusionModel model(context(), models::findModelFiles(dir.string()));
  EXPECT_EQ(model.contextTokens(), kTokens);
  EXPECT_EQ(model.contextDim(), kDim);
  EXPECT_EQ(model.textEncoder(), nullptr);
  EXPECT_EQ(model.embedPrompt(" voronoi "), row(1));
  auto mix = model.embedMix(text::parsePromptMix("plasma:1.4, tunnel:0.6"));
  auto a = row(0), c = row(2);
  double worst = 0;
  for (size_t i = 0; i < mix.size(); ++i) worst = std::max(worst, double(std::abs(mix[i] - (0.7f * a[i] + 0.3f * c[i]))));
  std::printf("mix: max difference %.2e (limit 1e-6)\n", worst);
  EXPECT_LT(worst, 1e-6);
  fs::remove_all(dir);
}

TEST_F(StyleTableTest, UnknownStyleListsTheKnownOnes) {
  auto dir = writeStyleFolder();
  models::DiffusionModel model(context(), models::findModelFiles(dir.string()));
  try {
    model.embedMix(text::parsePromptMix("plasma:0.5, plasmo:0.5"));
    FAIL() << "accepted an unknown style";
  } catch (const models::StyleTableError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("unknown style 'plasmo'"), std::string::npos) << message;
    EXPECT_NE(message.find("plasma, voronoi, tunnel"), std::string::npos) << message;
  }
  fs::remove_all(dir);
}

TEST_F(StyleTableTest, StyleContextDrivesTheSampler) {
  auto dir = writeStyleFolder();
  models::DiffusionModel model(context(), models::findModelFiles(dir.string()));
  nn::Plan plan(context());
  models::SamplerGraph graph(plan, model.unet(), model.tae(), {1, 8, 8, model.contextTokens()});
  plan.finalize();
  nn::writeTensor(context(), graph.initLatent(), std::vector<float>(graph.initLatent().elements(), 0.0f));
  nn::writeTensor(context(), graph.noise(), std::vector<float>(graph.noise().elements(), 0.5f));
  graph.setSchedule(context(), diffusion::textToImageSchedule(model.scheduler(), 1));
  std::vector<std::vector<float>> images;
  for (const char* style : {"plasma", "voronoi"}) {
    nn::writeTensor(context(), graph.context(), model.embedPrompt(style));
    plan.run();
    images.push_back(nn::readTensor(context(), graph.image()));
  }
  double difference = testing::relativeL2(images[0], images[1]);
  std::printf("plasma vs voronoi: relative L2 %.3f (must exceed 1e-3)\n", difference);
  EXPECT_GT(difference, 1e-3);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace afterimage
