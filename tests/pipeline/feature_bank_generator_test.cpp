// The stream generator with a feature bank (StreamV2V's extended
// self-attention and feature fusion) on the tiny test model at 64x64: the first frame, which
// starts the bank, is the plain UNet's; later frames attend to the banked
// ones and differ; weight 0 is the plain UNet; a restart and a scene cut
// start the bank afresh; its memory is fixed when the plan is recorded and
// frames allocate nothing.
#include "engine/pipeline/generator.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using pipeline::GenParams;

GenParams params(int frame, float bank = 1.0f) {
  GenParams p;
  p.prompts = {{"a misty forest", 1.0f}};
  p.strength = 0.6f;
  p.seedA = 3, p.seedB = 4;
  p.seedMix = 0.2f * frame;
  p.temporalBank = bank;
  return p;
}

double pictureChange(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return sum / double(a.size());
}

class FeatureBankGeneratorTest : public testing::GpuTest {
 protected:
  static std::unique_ptr<models::DiffusionModel> model_;
  models::DiffusionModel& model() {
    if (!model_)
      model_ = std::make_unique<models::DiffusionModel>(
          context(), models::findModelFiles(testing::goldenPath("models/tiny_pipeline")));
    return *model_;
  }
  static void TearDownTestSuite() { model_.reset(); }

  std::vector<std::vector<uint8_t>> frames(pipeline::Generator& generator, int count, float bank = 1.0f) {
    std::vector<std::vector<uint8_t>> out;
    for (int i = 0; i < count; ++i) {
      generator.frame(params(i, bank));
      out.emplace_back(generator.pixels().begin(), generator.pixels().end());
    }
    return out;
  }
};

std::unique_ptr<models::DiffusionModel> FeatureBankGeneratorTest::model_;

TEST_F(FeatureBankGeneratorTest, FramesAfterTheFirstAttendToTheBank) {
  pipeline::Generator plain(context(), model(), {.width = 64, .height = 64, .steps = 1});
  pipeline::Generator banked(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  auto a = frames(plain, 4), b = frames(banked, 4);
  EXPECT_EQ(pictureChange(a[0], b[0]), 0.0) << "the first frame starts the bank: it attends to itself alone";
  for (int i = 1; i < 4; ++i) EXPECT_GT(pictureChange(a[i], b[i]), 0.1) << "frame " << i;
}

TEST_F(FeatureBankGeneratorTest, WeightZeroIsThePlainUNet) {
  pipeline::Generator plain(context(), model(), {.width = 64, .height = 64, .steps = 2});
  pipeline::Generator banked(context(), model(), {.width = 64, .height = 64, .steps = 2, .featureBankFrames = 2});
  auto a = frames(plain, 3), b = frames(banked, 3, 0.0f);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pictureChange(a[i], b[i]), 0.0) << "frame " << i;
}

TEST_F(FeatureBankGeneratorTest, RestartAndASceneCutStartTheBankAfresh) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .featureBankFrames = 3});
  auto first = frames(generator, 4);
  generator.restart();
  auto again = frames(generator, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pictureChange(first[i], again[i]), 0.0) << "frame " << i;

  pipeline::Generator cut(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  pipeline::Generator kept(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  pipeline::Generator unread(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  frames(cut, 3), frames(kept, 3), frames(unread, 3);
  kept.frame(params(3));
  unread.frame(params(3, 0.0f));
  GenParams next = params(3);
  next.scene = 1;
  cut.frame(next);
  EXPECT_GT(pictureChange(cut.pixels(), kept.pixels()), 0.02);
  EXPECT_EQ(pictureChange(cut.pixels(), unread.pixels()), 0.0)
      << "from the same previous frame, the cut frame attends to itself alone, as with the bank at weight 0";
}

// Two steps, 3 frames of keys, values and outputs at an 8x8 latent for the transformers'
// self-attention: 64 tokens x 16 (down 0) + 16 x 32 (mid) + 2 x 64 x 16 (up 1) f16 values each.
TEST_F(FeatureBankGeneratorTest, MemoryIsFixedAndFramesAllocateNothing) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .featureBankFrames = 3});
  EXPECT_EQ(generator.featureBankBytes(), 2u * 3 * 3 * (64 * 16 + 16 * 32 + 2 * 64 * 16) * 2);
  frames(generator, 1);
  auto arena = context().arena().stats();
  auto pipelines = context().pipelines().pipelinesCreated();
  frames(generator, 5);
  EXPECT_EQ(context().arena().stats().sliceAllocations, arena.sliceAllocations);
  EXPECT_EQ(context().arena().stats().deviceMemoryAllocations, arena.deviceMemoryAllocations);
  EXPECT_EQ(context().pipelines().pipelinesCreated(), pipelines);
}

TEST_F(FeatureBankGeneratorTest, RejectsABankBeyondItsLimit) {
  EXPECT_THROW(pipeline::Generator(context(), model(), {.width = 64, .height = 64, .featureBankFrames = 17}),
               std::runtime_error);
}

}  // namespace
}  // namespace afterimage
