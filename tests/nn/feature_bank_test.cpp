// A feature bank (nn::featureBankAttention, nn::featureBankFuse,
// nn::featureBankWrite, nn::FeatureBankCursor) against PyTorch, frame by
// frame (tests/golden/ops/feature_bank.safetensors, from
// tools/reference/ops_feature_bank.py): the current queries over the current
// and the last S frames' keys and values, banked weights scaled by the
// frame's weight (1: plain concatenation, 0: the frame alone); output tokens
// fused with their nearest banked ones above the similarity threshold; cuts
// restarting the bank. One recorded plan replayed per frame.
// Tolerance: relative L2 error < 2e-3 per frame (f16 output rounding).
#include "engine/nn/feature_bank.h"

#include "engine/gpu/gpu_error.h"
#include "engine/nn/attention.h"
#include "tests/support/golden.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 2e-3;

std::vector<float> frameOf(const std::vector<float>& all, size_t frames, size_t frame) {
  size_t size = all.size() / frames;
  return {all.begin() + frame * size, all.begin() + (frame + 1) * size};
}

class FeatureBankTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(FeatureBankTest, StreamMatchesPyTorch) {
  testing::Golden golden("ops/feature_bank.safetensors");
  const std::string& name = GetParam();
  auto params = golden.params(name);
  uint32_t heads = params["heads"], slots = params["slots"];
  nn::Shape all = golden.shape(name, "q");
  size_t frames = all[0];
  nn::Shape frame(all.begin() + 1, all.end());
  nn::Shape bankShape{slots * frame[0], frame[1], frame[2]};

  nn::Plan plan(context());
  auto q = plan.persistent(frame), k = plan.persistent(frame), v = plan.persistent(frame);
  auto bankKeys = plan.persistent(bankShape), bankValues = plan.persistent(bankShape);
  auto state = plan.persistent({nn::kFeatureBankStateValues}, nn::DType::F32);
  nn::Tensor output = nn::featureBankAttention(plan, q, k, v, bankKeys, bankValues, state, heads);
  nn::featureBankWrite(plan, k, bankKeys, state);
  nn::featureBankWrite(plan, v, bankValues, state);
  plan.finalize();

  auto qs = golden.values(name, "q"), ks = golden.values(name, "k"), vs = golden.values(name, "v");
  auto expected = golden.values(name, "output");
  auto weights = golden.values(name, "weight"), resets = golden.values(name, "reset");
  nn::FeatureBankCursor cursor(slots);
  for (size_t f = 0; f < frames; ++f) {
    nn::writeTensor(context(), q, frameOf(qs, frames, f));
    nn::writeTensor(context(), k, frameOf(ks, frames, f));
    nn::writeTensor(context(), v, frameOf(vs, frames, f));
    nn::writeTensor(context(), state, cursor.next(weights[f], resets[f] != 0.0f));
    plan.run();
    double error = testing::relativeL2(nn::readTensor(context(), output), frameOf(expected, frames, f));
    std::printf("%s frame %zu (weight %.2f%s): relative L2 %.2e\n", name.c_str(), f, weights[f],
                resets[f] != 0.0f ? ", reset" : "", error);
    EXPECT_LT(error, kTolerance) << "frame " << f;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, FeatureBankTest,
                         ::testing::Values("stream_t37_2x8_s3", "stream_t24_1x64_s2", "stream_t16_4x16_s1"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class FeatureFusionTest : public testing::GpuTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(FeatureFusionTest, StreamMatchesPyTorch) {
  testing::Golden golden("ops/feature_bank.safetensors");
  const std::string& name = GetParam();
  uint32_t slots = golden.params(name)["slots"];
  nn::Shape all = golden.shape(name, "output");
  size_t frames = all[0];
  nn::Shape frame(all.begin() + 1, all.end());

  nn::Plan plan(context());
  auto output = plan.persistent(frame), bank = plan.persistent({slots * frame[0], frame[1], frame[2]});
  auto state = plan.persistent({nn::kFeatureBankStateValues}, nn::DType::F32);
  nn::Tensor fused = nn::featureBankFuse(plan, output, bank, state);
  nn::featureBankWrite(plan, output, bank, state);
  plan.finalize();

  auto outputs = golden.values(name, "output"), expected = golden.values(name, "fused");
  auto weights = golden.values(name, "weight"), resets = golden.values(name, "reset");
  nn::FeatureBankCursor cursor(slots);
  for (size_t f = 0; f < frames; ++f) {
    nn::writeTensor(context(), output, frameOf(outputs, frames, f));
    nn::writeTensor(context(), state, cursor.next(weights[f], resets[f] != 0.0f));
    plan.run();
    double error = testing::relativeL2(nn::readTensor(context(), fused), frameOf(expected, frames, f));
    std::printf("%s frame %zu (weight %.2f%s): relative L2 %.2e\n", name.c_str(), f, weights[f],
                resets[f] != 0.0f ? ", reset" : "", error);
    EXPECT_LT(error, kTolerance) << "frame " << f;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, FeatureFusionTest, ::testing::Values("fuse_t37_2x16_s3", "fuse_t64_1x64_s1"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(FeatureBankCursor, ResetsThenWalksTheRing) {
  using State = std::array<float, nn::kFeatureBankStateValues>;
  const float fusion = nn::kFeatureFusionStrength;
  nn::FeatureBankCursor cursor(3);
  EXPECT_EQ(cursor.next(0.5f, false), (State{0.5f, 1.0f, 0.0f, 0.5f * fusion}));  // the first frame starts afresh
  EXPECT_EQ(cursor.next(2.0f, false), (State{1.0f, 0.0f, 1.0f, fusion}));  // weight clamped
  EXPECT_EQ(cursor.next(1.0f, false), (State{1.0f, 0.0f, 2.0f, fusion}));
  EXPECT_EQ(cursor.next(1.0f, false), (State{1.0f, 0.0f, 0.0f, fusion}));  // the oldest slot again
  EXPECT_EQ(cursor.next(NAN, true), (State{0.0f, 1.0f, 0.0f, 0.0f}));
}

class FeatureBankPlan : public testing::GpuTest {};

TEST_F(FeatureBankPlan, RejectsABankOfOtherTokens) {
  nn::Plan plan(context());
  auto x = plan.persistent({1, 8, 16}), bank = plan.persistent({2, 9, 16});
  auto state = plan.persistent({nn::kFeatureBankStateValues}, nn::DType::F32);
  EXPECT_THROW(nn::featureBankAttention(plan, x, x, x, bank, bank, state, 2), gpu::GpuError);
  EXPECT_THROW(nn::featureBankWrite(plan, x, bank, state), gpu::GpuError);
  EXPECT_THROW(nn::featureBankFuse(plan, x, bank, state), gpu::GpuError);
}

TEST_F(FeatureBankPlan, RejectsAStateOfOtherSize) {
  nn::Plan plan(context());
  auto x = plan.persistent({1, 8, 16}), bank = plan.persistent({2, 8, 16}), state = plan.persistent({3}, nn::DType::F32);
  EXPECT_THROW(nn::featureBankAttention(plan, x, x, x, bank, bank, state, 2), gpu::GpuError);
  EXPECT_THROW(nn::featureBankFuse(plan, x, bank, state), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
