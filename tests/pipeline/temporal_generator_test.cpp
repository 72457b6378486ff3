// The stream generator with temporal layers: the tiny test model folder with
// the tiny random motion adapter beside its UNet (motion_adapter/), at 64x64.
// The layers change the frames, a restart replays the same frames, a scene
// cut changes the frame (the history starts afresh), temporal_memory scales
// what a frame takes from the past, the history's memory is fixed when the
// plan is recorded and frames allocate nothing; a sliding window shows its
// pictures lookahead frames late, a cut at once.
#include <filesystem>

#include "engine/pipeline/generator.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"
#include "tests/support/temp_path.h"

namespace afterimage {
namespace {

namespace fs = std::filesystem;
using pipeline::GenParams;

GenParams params(int frame) {
  GenParams p;
  p.prompts = {{"a misty forest", 1.0f}};
  p.strength = 0.6f;
  p.seedA = 3, p.seedB = 4;
  p.seedMix = 0.2f * frame;
  return p;
}

double pictureChange(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return sum / double(a.size());
}

class TemporalGeneratorTest : public testing::GpuTest {
 protected:
  static std::unique_ptr<models::DiffusionModel> model_;
  static fs::path folder_;
  models::DiffusionModel& model() {
    if (!model_) {
      folder_ = testing::uniqueTempPath("temporal_model");
      fs::remove_all(folder_);
      fs::copy(testing::goldenPath("models/tiny_pipeline"), folder_, fs::copy_options::recursive);
      fs::copy(testing::goldenPath("models/motion_adapter_tiny"), folder_ / "motion_adapter",
               fs::copy_options::recursive);
      model_ = std::make_unique<models::DiffusionModel>(context(), models::findModelFiles(folder_.string()));
    }
    return *model_;
  }
  static void TearDownTestSuite() {
    model_.reset();
    fs::remove_all(folder_);
  }

  // After a first frame, more frames allocate no GPU memory and create no pipelines.
  void expectFramesAllocateNothing(pipeline::Generator& generator) {
    frames(generator, 1);
    auto arena = context().arena().stats();
    auto pipelines = context().pipelines().pipelinesCreated();
    frames(generator, 4);
    EXPECT_EQ(context().arena().stats().sliceAllocations, arena.sliceAllocations);
    EXPECT_EQ(context().arena().stats().deviceMemoryAllocations, arena.deviceMemoryAllocations);
    EXPECT_EQ(context().pipelines().pipelinesCreated(), pipelines);
  }

  std::vector<std::vector<uint8_t>> frames(pipeline::Generator& generator, int count) {
    std::vector<std::vector<uint8_t>> out;
    for (int i = 0; i < count; ++i) {
      generator.frame(params(i));
      out.emplace_back(generator.pixels().begin(), generator.pixels().end());
    }
    return out;
  }
};

std::unique_ptr<models::DiffusionModel> TemporalGeneratorTest::model_;
fs::path TemporalGeneratorTest::folder_;

TEST_F(TemporalGeneratorTest, LoadsTheMotionAdapterBesideTheUNet) {
  ASSERT_NE(model().motionAdapter(), nullptr);
  EXPECT_EQ(model().motionAdapter()->config().blockOutChannels, model().unet().config().blockOutChannels);
}

TEST_F(TemporalGeneratorTest, TemporalLayersChangeTheFrames) {
  pipeline::Generator plain(context(), model(), {.width = 64, .height = 64, .steps = 1});
  pipeline::Generator temporal(context(), model(), {.width = 64, .height = 64, .steps = 1, .temporalWindow = 4});
  auto a = frames(plain, 3), b = frames(temporal, 3);
  for (int i = 0; i < 3; ++i) EXPECT_GT(pictureChange(a[i], b[i]), 1.0) << "frame " << i;
}

TEST_F(TemporalGeneratorTest, RestartStartsTheHistoryAfresh) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .temporalWindow = 3});
  auto first = frames(generator, 4);
  generator.restart();
  auto again = frames(generator, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pictureChange(first[i], again[i]), 0.0) << "frame " << i;
}

TEST_F(TemporalGeneratorTest, ASceneCutStartsTheHistoryAfresh) {
  pipeline::Generator cut(context(), model(), {.width = 64, .height = 64, .steps = 1, .temporalWindow = 4});
  pipeline::Generator kept(context(), model(), {.width = 64, .height = 64, .steps = 1, .temporalWindow = 4});
  auto a = frames(cut, 3), b = frames(kept, 3);
  GenParams next = params(3);
  kept.frame(next);
  next.scene = 1;
  cut.frame(next);
  EXPECT_EQ(pictureChange(a.back(), b.back()), 0.0);
  EXPECT_GT(pictureChange(cut.pixels(), kept.pixels()), 0.5)
      << "the cut frame attends to itself alone, the kept one to the last three frames too";
}

// temporal_memory, changed frame by frame on the recorded plan: three
// generators with the same past, then the same next frame asked at memory
// 1 (the model as trained), 0.5 and 0 (each frame attends to itself
// alone): the less memory, the further the frame moves from the model's.
TEST_F(TemporalGeneratorTest, TemporalMemoryScalesHowMuchTheFrameTakesFromThePast) {
  std::vector<std::unique_ptr<pipeline::Generator>> generators;
  std::vector<std::vector<uint8_t>> next;
  for (float memory : {1.0f, 0.5f, 0.0f}) {
    generators.push_back(std::make_unique<pipeline::Generator>(
        context(), model(), pipeline::GeneratorOptions{.width = 64, .height = 64, .steps = 1, .temporalWindow = 4}));
    frames(*generators.back(), 3);
    GenParams p = params(3);
    p.temporalMemory = memory;
    generators.back()->frame(p);
    next.emplace_back(generators.back()->pixels().begin(), generators.back()->pixels().end());
  }
  double half = pictureChange(next[0], next[1]), none = pictureChange(next[0], next[2]);
  std::printf("the frame at temporal_memory 0.5 / 0 differs from 1 by %.3f / %.3f levels\n", half, none);
  // Measured 0.137 / 0.723 (the tiny random adapter moves pictures little;
  // a scene cut moves this one 0.5-1).
  EXPECT_GT(half, 0.05);
  EXPECT_GT(none, 2.5 * half);
}

// Two steps, each layer keeping 3 frames of its input at an 8x8 latent:
// 16x8x8 + 32x4x4 + 32x4x4 (mid) + 2 x 32x4x4 + 2 x 16x8x8 f16 values a frame.
TEST_F(TemporalGeneratorTest, HistoryMemoryIsFixedAndFramesAllocateNothing) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .temporalWindow = 4});
  EXPECT_EQ(generator.temporalHistoryBytes(), 2u * 3 * (1024 + 512 + 512 + 2 * 512 + 2 * 1024) * 2);
  expectFramesAllocateNothing(generator);
}

// A sliding window (lookahead 1): a new seed reaches the newest frame of
// the window at once but the picture, one frame back, only through the
// temporal layers (the random adapter's are strong: their group norm spans
// the window and their attention is not trained to be smooth); it shows in
// full a frame later. Streamed causally the picture is the newest frame
// and changes at once. Measured 3.60 then 6.41 levels (sliding), 6.45 then
// 6.12 (causal); a picture taken from the newest frame would change by ~6.4
// at once.
TEST_F(TemporalGeneratorTest, ASlidingWindowShowsANewSeedOneFrameLate) {
  auto changes = [&](uint32_t lookahead) {
    pipeline::Generator generator(
        context(), model(), {.width = 64, .height = 64, .steps = 1, .temporalWindow = 3, .temporalLookahead = lookahead});
    EXPECT_EQ(generator.latencyFrames(), lookahead);
    std::vector<std::vector<uint8_t>> pictures;
    for (int i = 0; i < 5; ++i) {
      GenParams p = params(0);
      if (i >= 3) p.seedA = 50, p.seedB = 51;
      generator.frame(p);
      pictures.emplace_back(generator.pixels().begin(), generator.pixels().end());
    }
    return std::make_pair(pictureChange(pictures[3], pictures[2]), pictureChange(pictures[4], pictures[3]));
  };
  auto [slidingAt, slidingAfter] = changes(1);
  auto [causalAt, causalAfter] = changes(0);
  std::printf("a new seed changes the picture by %.2f then %.2f levels (sliding), %.2f then %.2f (causal)\n",
              slidingAt, slidingAfter, causalAt, causalAfter);
  EXPECT_GT(slidingAfter, 1.0);
  EXPECT_LT(slidingAt, 0.7 * slidingAfter);
  EXPECT_GT(causalAt, 1.0);
  EXPECT_GT(causalAt, 1.5 * slidingAt);
}

// The first frame after a start has no init latent (text to image): a
// sliding window must not sample it again as img2img from whatever latent
// the generator held, or a restart would not replay the same frames.
TEST_F(TemporalGeneratorTest, ASlidingWindowReplaysTheSameFramesAfterARestart) {
  pipeline::Generator generator(
      context(), model(), {.width = 64, .height = 64, .steps = 2, .temporalWindow = 3, .temporalLookahead = 1});
  auto first = frames(generator, 4);
  generator.restart();
  auto again = frames(generator, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pictureChange(first[i], again[i]), 0.0) << "frame " << i;
}

TEST_F(TemporalGeneratorTest, ASlidingWindowShowsTheCutFrameAtOnce) {
  pipeline::GeneratorOptions options{.width = 64, .height = 64, .steps = 1, .temporalWindow = 3, .temporalLookahead = 2};
  pipeline::Generator cut(context(), model(), options), kept(context(), model(), options);
  frames(cut, 4), frames(kept, 4);
  GenParams next = params(0);
  next.seedA = 50, next.seedB = 51;
  kept.frame(next);
  next.scene = 1;
  cut.frame(next);
  // The cut's window is the new frame three times: its picture is that
  // frame's, the kept one's still the frame two back.
  double change = pictureChange(cut.pixels(), kept.pixels());
  std::printf("the cut frame against the kept one: %.2f levels\n", change);
  EXPECT_GT(change, 1.0);
}

// The window's kept inputs: init latent and noise of 2 frames, 4x8x8 f16
// each; no history per layer. Frames allocate nothing.
TEST_F(TemporalGeneratorTest, ASlidingWindowKeepsItsInputsAndFramesAllocateNothing) {
  pipeline::Generator generator(
      context(), model(), {.width = 64, .height = 64, .steps = 2, .temporalWindow = 3, .temporalLookahead = 1});
  EXPECT_EQ(generator.temporalHistoryBytes(), 2u * 2 * 4 * 8 * 8 * 2);
  expectFramesAllocateNothing(generator);
}

TEST_F(TemporalGeneratorTest, RejectsAWindowBeyondTheAdaptersPositions) {
  uint32_t window = model().motionAdapter()->config().maxFrames + 1;
  EXPECT_THROW(pipeline::Generator(context(), model(), {.width = 64, .height = 64, .temporalWindow = window}),
               std::runtime_error);
}

}  // namespace
}  // namespace afterimage
