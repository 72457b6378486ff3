// The colour anchor on the GPU: identity at amount 0 and before a
// reference exists; at amount 1 the latent's per-channel statistics map onto
// the reference's, half way at 0.5; a fresh frame replaces the reference
// and the reference holds through frames that are not fresh. Expected
// values are worked out by hand from the made-up latents (means and
// deviations are chosen, not measured). Tolerance 5e-3: the latent, scale
// and offset are f16 (relative rounding 5e-4 on values up to ~5).
#include "engine/nn/channel_anchor.h"

#include <vector>

#include "engine/gpu/gpu_error.h"
#include "tests/support/gpu_test.h"

namespace afterimage {
namespace {

constexpr double kTolerance = 5e-3;

// Two channels of four values: channel c is base + spread * (-1.5, -0.5, 0.5, 1.5)
// (mean base, deviation spread * sqrt(1.25)).
std::vector<float> latent(float base0, float spread0, float base1, float spread1) {
  std::vector<float> v;
  for (auto [base, spread] : {std::pair{base0, spread0}, {base1, spread1}})
    for (float step : {-1.5f, -0.5f, 0.5f, 1.5f}) v.push_back(base + spread * step);
  return v;
}

class ChannelAnchorTest : public testing::GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    plan_ = std::make_unique<nn::Plan>(context());
    latent_ = plan_->persistent({1, 2, 2, 2});
    state_ = plan_->persistent(nn::channelAnchorStateShape(2), nn::DType::F32);
    control_ = plan_->persistent({2}, nn::DType::F32);
    scale_ = plan_->persistent({1, 2, 1, 1});
    offset_ = plan_->persistent({1, 2, 1, 1});
    nn::channelAnchor(*plan_, latent_, state_, control_, {scale_, offset_});
    plan_->finalize();
    nn::writeTensor(context(), state_, std::vector<float>(4, 0.0f));
  }
  // One frame: `x` is the frame just generated; returns x anchored.
  std::vector<float> step(const std::vector<float>& x, float amount, bool takeReference) {
    nn::writeTensor(context(), latent_, x);
    nn::writeTensor(context(), control_, std::vector<float>{amount, takeReference ? 1.0f : 0.0f});
    plan_->run();
    auto scale = nn::readTensor(context(), scale_), offset = nn::readTensor(context(), offset_);
    std::vector<float> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale[i / 4] + offset[i / 4];
    return y;
  }
  void expectNear(const std::vector<float>& actual, const std::vector<float>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], kTolerance) << i;
  }

  std::unique_ptr<nn::Plan> plan_;
  nn::Tensor latent_, state_, control_, scale_, offset_;
};

TEST_F(ChannelAnchorTest, IdentityAtAmountZero) {
  auto x = latent(0.5f, 1.0f, -0.2f, 0.3f);
  expectNear(step(x, 0.0f, true), x);
  auto drifted = latent(2.0f, 3.0f, 1.0f, 0.1f);
  expectNear(step(drifted, 0.0f, false), drifted);
}

TEST_F(ChannelAnchorTest, AmountOneRestoresTheReferenceStatisticsAndHalfGoesHalfWay) {
  auto reference = latent(0.5f, 1.0f, -0.2f, 0.3f);
  step(reference, 0.0f, true);
  auto drifted = latent(2.0f, 3.0f, 1.0f, 0.1f);
  expectNear(step(drifted, 1.0f, false), reference);
  // Means and deviations half way; the pattern within a channel is kept.
  expectNear(step(drifted, 0.5f, false), latent(1.25f, 2.0f, 0.4f, 0.2f));
}

TEST_F(ChannelAnchorTest, AFreshFrameReplacesTheReference) {
  step(latent(0.5f, 1.0f, -0.2f, 0.3f), 0.0f, true);
  auto fresh = latent(-1.0f, 0.5f, 0.0f, 2.0f);
  step(fresh, 0.0f, true);
  step(latent(7.0f, 0.2f, -3.0f, 0.4f), 0.0f, false);  // not fresh: the reference stays
  expectNear(step(latent(3.0f, 1.0f, 3.0f, 1.0f), 1.0f, false), fresh);
}

TEST_F(ChannelAnchorTest, RejectsAStateOfTheWrongShape) {
  nn::Plan plan(context());
  auto x = plan.persistent({1, 4, 8, 8});
  auto state = plan.persistent(nn::channelAnchorStateShape(3), nn::DType::F32);
  auto control = plan.persistent({2}, nn::DType::F32);
  auto scale = plan.persistent({1, 4, 1, 1}), offset = plan.persistent({1, 4, 1, 1});
  EXPECT_THROW(nn::channelAnchor(plan, x, state, control, {scale, offset}), gpu::GpuError);
}

}  // namespace
}  // namespace afterimage
