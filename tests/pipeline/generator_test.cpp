// The stream generator on the tiny test model folder (random weights) at
// 64x64 (an 8x8 latent): determinism, strength and seed-mix behaviour
// measured as frame-to-frame picture change, feedback motion on the
// carried latent, post effects, a frame loop that allocates nothing, and the
// feature bank (StreamV2V's extended self-attention and feature fusion).
#include "engine/pipeline/generator.h"

#include <cmath>
#include <numbers>

#include "engine/gpu/gpu_error.h"
#include "engine/nn/latent_transform.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

using pipeline::GenParams;

// Mean absolute difference of the RGB channels, in 1/255 steps.
double pictureChange(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  double sum = 0;
  size_t count = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i % 4 == 3) continue;
    sum += std::abs(int(a[i]) - int(b[i]));
    ++count;
  }
  return sum / double(count);
}

double rms(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum / double(a.size()));
}

GenParams baseParams() {
  GenParams p;
  p.prompts = {{"a misty forest", 1.0f}};
  p.strength = 0.5f;
  p.seedA = 3, p.seedB = 4;
  return p;
}

class GeneratorTest : public testing::GpuTest {
 protected:
  static std::unique_ptr<models::DiffusionModel> model_;
  models::DiffusionModel& model() {
    if (!model_)
      model_ = std::make_unique<models::DiffusionModel>(
          context(), models::findModelFiles(testing::goldenPath("models/tiny_pipeline")));
    return *model_;
  }
  static void TearDownTestSuite() { model_.reset(); }

  std::vector<uint8_t> frame(pipeline::Generator& generator, const GenParams& params) {
    generator.frame(params);
    return {generator.pixels().begin(), generator.pixels().end()};
  }
  // For the feature bank: frames 0..count-1 of a walk through the noise, the bank at `weight`.
  std::vector<std::vector<uint8_t>> bankedFrames(pipeline::Generator& generator, int count, float weight = 1.0f) {
    std::vector<std::vector<uint8_t>> frames;
    for (int i = 0; i < count; ++i) {
      GenParams p = baseParams();
      p.seedMix = 0.2f * i;
      p.temporalBank = weight;
      frames.push_back(frame(generator, p));
    }
    return frames;
  }
};

std::unique_ptr<models::DiffusionModel> GeneratorTest::model_;

TEST_F(GeneratorTest, SameParamsGiveTheSameFrames) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2});
  GenParams a = baseParams(), b = baseParams();
  b.zoom = 1.1f, b.seedMix = 0.3f, b.strength = 0.7f;
  auto run = [&](pipeline::Generator& g) {
    std::vector<std::vector<uint8_t>> frames;
    for (const auto* p : {&a, &b, &a}) frames.push_back(frame(g, *p));
    return frames;
  };
  auto first = run(generator);
  generator.restart();
  auto again = run(generator);
  pipeline::Generator other(context(), model(), {.width = 64, .height = 64, .steps = 2});
  auto fresh = run(other);
  EXPECT_EQ(first, again);
  EXPECT_EQ(first, fresh);
  EXPECT_GT(pictureChange(first[0], first[1]), 0.5) << "frames with other params differ";
  EXPECT_EQ(generator.frameCount(), 6u);
}

// Pipelined frames (the next frame prepared while the GPU runs this one,
// and queued behind it before it is waited for: two in flight) are byte for
// byte the frames of submit-then-wait, with the params moving every frame
// as a show's do: the strength (re-noise, fresh frames for the anchor), the
// seeds, the noise walk and fresh noise, the motion, the anchor, the prompt
// (embedded while frames run) and effects; across a restart(), and with GPU
// timestamps on and off. After the restart frames are left in flight, so
// that submit() itself waits for the oldest.
TEST_F(GeneratorTest, TwoFramesInFlightEqualFramesOneAtATime) {
  constexpr size_t kFrames = 10, kRestartAt = 5;
  std::vector<GenParams> params;
  for (size_t i = 0; i < kFrames; ++i) {
    GenParams p = baseParams();
    p.strength = i % 3 == 0 ? 0.8f : 0.25f;
    p.seedMix = 0.15f * i, p.noiseRefresh = i % 2 ? 0.3f : 0.0f;
    p.seedA = 3 + i / 4, p.seedB = 4 + i / 4;
    p.zoom = 1.0f + 0.02f * i, p.rotate = 0.01f * i, p.anchor = 0.7f;
    if (i % 5 >= 3) p.prompts = {{"a misty forest", 0.5f}, {"a neon city", 0.5f}};
    p.strobe = i == 4 ? 0.5f : 0.0f;
    params.push_back(p);
  }
  for (bool timestamps : {false, true}) {
    SCOPED_TRACE(timestamps ? "timestamps on" : "timestamps off");
    pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .timestamps = timestamps});
    std::vector<std::vector<uint8_t>> oneAtATime, inFlight;
    for (size_t i = 0; i < kFrames; ++i) {
      if (i == kRestartAt) generator.restart();
      oneAtATime.push_back(frame(generator, params[i]));
    }
    // One more, so that each frame below runs in the other slot than above:
    // a slot's own buffers (staged inputs, pixels) mixed up cannot give the same frames.
    generator.frame(params[0]);
    generator.restart();
    const uint64_t before = generator.frameCount();
    // The last finished frame's pixels, once each.
    auto collect = [&] {
      if (generator.frameCount() > before + inFlight.size())
        inFlight.push_back({generator.pixels().begin(), generator.pixels().end()});
    };
    for (size_t i = 0; i < kFrames; ++i) {
      if (i == kRestartAt) {
        while (generator.pending()) generator.wait(), collect();
        generator.restart();
      }
      generator.prepare(params[i]);  // frame i - 1 still in flight
      generator.submit();            // queued behind it (waits for frame i - 2 if that is still in flight)
      collect();
      EXPECT_EQ(generator.framesInFlight(), std::min<size_t>(i % kRestartAt + 1, 2)) << "frame " << i;
      if (i < kRestartAt && generator.framesInFlight() == 2) {
        generator.wait();  // frame i - 1
        collect();
        if (timestamps && context().info().timestamps) {
          auto stages = generator.stageTimes();
          ASSERT_FALSE(stages.empty());
          EXPECT_EQ(stages.back().label, "readback");
        }
      }
    }
    while (generator.pending()) generator.wait(), collect();
    ASSERT_EQ(inFlight.size(), oneAtATime.size());
    EXPECT_EQ(generator.frameCount(), 2 * kFrames + 1);
    for (size_t i = 0; i < kFrames; ++i) EXPECT_EQ(inFlight[i], oneAtATime[i]) << "frame " << i;
    // Each frame is a new picture: a slot's pixels are not another's.
    for (size_t i = 1; i < kFrames; ++i)
      EXPECT_GT(pictureChange(oneAtATime[i - 1], oneAtATime[i]), 0.1) << "frame " << i;
  }
}

// noise_refresh: fresh noise every frame, reproducible from restart(); with
// the params standing still the picture keeps moving, without it it settles.
TEST_F(GeneratorTest, NoiseRefreshDrawsReproducibleFreshNoiseEachFrame) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  GenParams still = baseParams(), refreshed = baseParams();
  still.strength = refreshed.strength = 0.3f;
  refreshed.noiseRefresh = 1.0f;
  auto run = [&](const GenParams& p) {
    generator.restart();
    std::vector<std::vector<uint8_t>> frames;
    for (int i = 0; i < 4; ++i) frames.push_back(frame(generator, p));
    return frames;
  };
  auto settled = run(still), moving = run(refreshed), again = run(refreshed);
  EXPECT_EQ(moving, again);
  double stillChange = pictureChange(settled[2], settled[3]), movingChange = pictureChange(moving[2], moving[3]);
  std::printf("frame 3 -> 4 at strength 0.3: change %.3f / 255 with the walk standing, %.3f with noise_refresh 1\n",
              stillChange, movingChange);
  EXPECT_GT(movingChange, 2 * stillChange + 0.1);
}

// The colour anchor on a quiet loop (low strength, the noise standing
// still): the carried latent's per-channel statistics stay near those of the
// first (fresh) frame, closer than without the anchor.
TEST_F(GeneratorTest, AnchorHoldsTheLatentStatisticsThroughFeedback) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  auto statistics = [&] {
    auto values = nn::readTensor(context(), generator.latent());
    size_t plane = values.size() / 4;
    std::vector<double> s;
    for (size_t c = 0; c < 4; ++c) {
      double sum = 0, squares = 0;
      for (size_t i = 0; i < plane; ++i) sum += values[c * plane + i];
      double mean = sum / plane;
      for (size_t i = 0; i < plane; ++i) squares += (values[c * plane + i] - mean) * (values[c * plane + i] - mean);
      s.push_back(mean), s.push_back(std::sqrt(squares / plane));
    }
    return s;
  };
  auto drift = [&](float anchor) {
    generator.restart();
    GenParams p = baseParams();
    generator.frame(p);
    auto first = statistics();
    p.strength = 0.1f, p.anchor = anchor, p.zoom = 1.05f;
    for (int i = 0; i < 12; ++i) generator.frame(p);
    auto last = statistics();
    double distance = 0;
    for (size_t i = 0; i < first.size(); ++i) distance += (last[i] - first[i]) * (last[i] - first[i]);
    return std::sqrt(distance);
  };
  double free = drift(0.0f), held = drift(1.0f);
  std::printf("latent statistics after 12 frames at strength 0.1 with zoom: moved %.4f without the anchor, %.4f "
              "with it\n", free, held);
  EXPECT_LT(held, 0.5 * free);
}

TEST_F(GeneratorTest, LowStrengthChangesThePictureLessThanHighStrength) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  std::vector<double> changes;
  for (float strength : {0.05f, 0.3f, 0.6f, 1.0f}) {
    generator.restart();
    auto start = frame(generator, baseParams());
    GenParams next = baseParams();
    next.strength = strength;
    next.seedA = 11;  // new noise, so even strength 1 is a new picture
    changes.push_back(pictureChange(start, frame(generator, next)));
    std::printf("strength %.2f: change %.2f / 255\n", strength, changes.back());
  }
  for (size_t i = 1; i < changes.size(); ++i) EXPECT_LT(changes[i - 1], changes[i]);
  EXPECT_LT(changes[0], 0.25 * changes.back());
}

TEST_F(GeneratorTest, FeedbackZeroIsAFreshPicture) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  GenParams p = baseParams();
  p.strength = 0.1f;
  auto start = frame(generator, p);
  p.seedA = 12;
  p.feedback = 0.0f;
  auto fresh = frame(generator, p);
  p.feedback = 1.0f;
  generator.restart();
  frame(generator, baseParams());
  auto kept = frame(generator, p);
  double freshChange = pictureChange(start, fresh), keptChange = pictureChange(start, kept);
  std::printf("strength 0.1: change %.2f with feedback 1, %.2f with feedback 0\n", keptChange, freshChange);
  EXPECT_LT(keptChange, 0.5 * freshChange);
}

TEST_F(GeneratorTest, ZoomAndRotateMoveThePreviousLatent) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  // The motion alone, through the op (tested against PyTorch in nn_tests).
  nn::Plan movePlan(context());
  auto before = movePlan.persistent(generator.latent().shape());
  auto theta = movePlan.persistent({6}, nn::DType::F32);
  auto moved = nn::latentTransform(movePlan, before, theta, 0);
  movePlan.finalize();

  for (nn::Motion motion : {nn::Motion{.zoom = 1.4f}, nn::Motion{.rotate = 0.6f}, nn::Motion{.translateX = 0.25f}}) {
    generator.restart();
    frame(generator, baseParams());
    auto previous = nn::readTensor(context(), generator.latent());
    GenParams p = baseParams();
    p.strength = 0.02f;  // barely re-noised: the frame is the moved previous one
    p.zoom = motion.zoom, p.rotate = motion.rotate, p.translateX = motion.translateX;
    frame(generator, p);
    auto latent = nn::readTensor(context(), generator.latent());
    nn::writeTensor(context(), before, previous);
    nn::writeTensor(context(), theta, nn::motionMatrix(motion, 8, 8));
    movePlan.run();
    double toMoved = rms(latent, nn::readTensor(context(), moved)), toUnmoved = rms(latent, previous);
    std::printf("zoom %.1f rotate %.1f translate %.2f: latent RMS distance to the moved previous %.3f, to the "
                "unmoved %.3f\n",
                motion.zoom, motion.rotate, motion.translateX, toMoved, toUnmoved);
    EXPECT_LT(toMoved, 0.3 * toUnmoved);
  }
}

TEST_F(GeneratorTest, SmallSeedMixStepsGiveSmallChanges) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  auto pictureAt = [&](float mix) {
    generator.restart();  // text to image from the mixed noise alone
    GenParams p = baseParams();
    p.seedMix = mix;
    return frame(generator, p);
  };
  auto start = pictureAt(0.0f), end = pictureAt(1.0f);
  double whole = pictureChange(start, end), largestStep = 0;
  auto last = start;
  for (int i = 1; i <= 20; ++i) {
    auto next = pictureAt(i / 20.0f);
    largestStep = std::max(largestStep, pictureChange(last, next));
    last = std::move(next);
  }
  std::printf("seed A -> B: change %.2f / 255; largest change per 0.05 of seedMix %.2f\n", whole, largestStep);
  EXPECT_GT(whole, 2.0);
  EXPECT_LT(largestStep, 0.25 * whole);
  EXPECT_EQ(last, end);
}

TEST_F(GeneratorTest, BlackoutIsBlackAndStrobeBrightens) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 1});
  GenParams p = baseParams();
  auto plain = frame(generator, p);
  generator.restart();
  p.strobe = 0.75f;
  auto flashed = frame(generator, p);
  double plainMean = 0, flashedMean = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i % 4 == 3) continue;
    // Strobe s maps v to v + (1 - v) s on every channel, before clamping
    // (so a plain 0 may have been below 0).
    double expected = plain[i] + (255.0 - plain[i]) * 0.75;
    if (plain[i] > 0)
      EXPECT_NEAR(flashed[i], expected, 1.0) << "byte " << i;
    else
      EXPECT_LE(flashed[i], expected + 1.0) << "byte " << i;
    plainMean += plain[i], flashedMean += flashed[i];
  }
  std::printf("mean level %.1f plain, %.1f with strobe 0.75\n", plainMean / (plain.size() * 0.75),
              flashedMean / (plain.size() * 0.75));
  EXPECT_GT(flashedMean, plainMean);

  p.strobe = 1.0f;
  p.blackout = true;
  auto black = frame(generator, p);
  for (size_t i = 0; i < black.size(); ++i) ASSERT_EQ(black[i], i % 4 == 3 ? 255 : 0) << "byte " << i;
}

TEST_F(GeneratorTest, FramesAllocateNothingAndCreateNoPipelines) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2});
  GenParams p = baseParams();
  p.prompts = {{"a misty forest", 0.5f}, {"neon city", 0.5f}};
  frame(generator, p);  // encodes the two prompts once
  auto arena = context().arena().stats();
  auto pipelines = context().pipelines().pipelinesCreated();
  for (int i = 0; i < 6; ++i) {
    p.strength = 0.2f + 0.13f * i;
    p.seedMix = 0.17f * i;
    p.seedA = 3 + i / 2, p.seedB = 4 + i / 2;
    p.zoom = 1.0f + 0.05f * i, p.rotate = 0.1f * i;
    p.prompts[0].weight = 0.1f * (i + 1);
    p.brightness = 0.9f + 0.05f * i, p.strobe = i % 2 ? 0.5f : 0.0f;
    generator.submit(p);  // queued behind the frame before
    if (generator.framesInFlight() == 2) generator.wait();
  }
  generator.wait();
  EXPECT_EQ(context().arena().stats().sliceAllocations, arena.sliceAllocations);
  EXPECT_EQ(context().arena().stats().deviceMemoryAllocations, arena.deviceMemoryAllocations);
  EXPECT_EQ(context().pipelines().pipelinesCreated(), pipelines);
}

TEST_F(GeneratorTest, FeatureBankFramesAfterTheFirstAttendToTheBank) {
  pipeline::Generator unread(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  pipeline::Generator banked(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  auto a = bankedFrames(unread, 4, 0.0f), b = bankedFrames(banked, 4);
  EXPECT_EQ(a[0], b[0]) << "the first frame starts the bank: it attends to itself alone";
  for (int i = 1; i < 4; ++i) EXPECT_GT(pictureChange(a[i], b[i]), 0.1) << "frame " << i;
}

// Not bit for bit: the plain UNet adds the self-attention's residual inside
// its output projection (one rounding to f16), the banked one after fusing
// the projection's output (two). Measured 0.063-0.067 levels of 255 on
// lavapipe; the bank itself moves frames 0.24-0.42.
TEST_F(GeneratorTest, FeatureBankAtWeightZeroIsThePlainUNet) {
  pipeline::Generator plain(context(), model(), {.width = 64, .height = 64, .steps = 2});
  pipeline::Generator banked(context(), model(), {.width = 64, .height = 64, .steps = 2, .featureBankFrames = 2});
  auto a = bankedFrames(plain, 3), b = bankedFrames(banked, 3, 0.0f);
  for (int i = 0; i < 3; ++i) EXPECT_LT(pictureChange(a[i], b[i]), 0.12) << "frame " << i;
}

TEST_F(GeneratorTest, FeatureBankStartsAfreshOnRestartAndOnASceneCut) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .featureBankFrames = 3});
  auto first = bankedFrames(generator, 4);
  generator.restart();
  EXPECT_EQ(first, bankedFrames(generator, 4));

  pipeline::Generator cut(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  pipeline::Generator kept(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  pipeline::Generator unread(context(), model(), {.width = 64, .height = 64, .steps = 1, .featureBankFrames = 3});
  for (auto* g : {&cut, &kept, &unread}) bankedFrames(*g, 3);
  GenParams next = baseParams();
  next.seedMix = 0.6f;
  std::vector<uint8_t> keptFrame = frame(kept, next);
  next.temporalBank = 0.0f;
  std::vector<uint8_t> unreadFrame = frame(unread, next);
  next.temporalBank = 1.0f, next.scene = 1;
  std::vector<uint8_t> cutFrame = frame(cut, next);
  EXPECT_GT(pictureChange(cutFrame, keptFrame), 0.02);
  EXPECT_EQ(cutFrame, unreadFrame)
      << "from the same previous frame, the cut frame attends to itself alone, as with the bank at weight 0";
}

// Two steps, 3 frames of keys, values and outputs at an 8x8 latent for the transformers'
// self-attention: 64 tokens x 16 (down 0) + 16 x 32 (mid) + 2 x 64 x 16 (up 1) f16 values each.
TEST_F(GeneratorTest, FeatureBankMemoryIsFixedAndFramesAllocateNothing) {
  pipeline::Generator generator(context(), model(), {.width = 64, .height = 64, .steps = 2, .featureBankFrames = 3});
  EXPECT_EQ(generator.featureBankBytes(), 2u * 3 * 3 * (64 * 16 + 16 * 32 + 2 * 64 * 16) * 2);
  bankedFrames(generator, 1);
  auto arena = context().arena().stats();
  auto pipelines = context().pipelines().pipelinesCreated();
  bankedFrames(generator, 5);
  EXPECT_EQ(context().arena().stats().sliceAllocations, arena.sliceAllocations);
  EXPECT_EQ(context().arena().stats().deviceMemoryAllocations, arena.deviceMemoryAllocations);
  EXPECT_EQ(context().pipelines().pipelinesCreated(), pipelines);
  EXPECT_THROW(pipeline::Generator(context(), model(), {.width = 64, .height = 64, .featureBankFrames = 17}),
               std::runtime_error);
}

TEST_F(GeneratorTest, RejectsASizeTheModelCannotTake) {
  EXPECT_THROW(pipeline::Generator(context(), model(), {.width = 60, .height = 64}), std::invalid_argument);
  EXPECT_THROW(pipeline::Generator(context(), model(), {.width = 64, .height = 64, .steps = 0}),
               std::invalid_argument);
}

// 2048x2048 on the tiny model needs ~208 MiB of activations: with 96 MiB
// left (the two frame slots' pixels and read-back slices take 64) it is
// refused while the plan is made, naming the request, and what it had
// taken is given back (live mode retries: a leak would starve the retry).
TEST_F(GeneratorTest, ASizeBeyondTheGpuMemoryIsRefusedNamingTheRequest) {
  model();
  const VkDeviceSize inUse = context().arena().stats().bytesInUse;
  context().arena().capHeaps(context().arena().stats().bytesReserved + (96 << 20));
  try {
    pipeline::Generator generator(context(), model(), {.width = 2048, .height = 2048, .steps = 1});
    context().arena().capHeaps(0);
    FAIL() << "2048x2048 fitted in 96 MiB";
  } catch (const gpu::OutOfGpuMemory& e) {
    context().arena().capHeaps(0);
    std::string message = e.what();
    EXPECT_EQ(message.rfind("generating 2048x2048 with 1 step(s) on '" + context().info().name + "': out of GPU memory: ", 0),
              0u)
        << message;
    EXPECT_NE(message.find("MiB more needed"), std::string::npos) << message;
    EXPECT_NE(message.find(", for the activations ("), std::string::npos) << message;
  }
  EXPECT_EQ(context().arena().stats().bytesInUse, inUse);
}

}  // namespace
}  // namespace afterimage
