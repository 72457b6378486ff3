#include "tests/support/gpu_test.h"

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "engine/nn/half.h"

namespace afterimage::testing {

gpu::Context& gpuContext() {
  static std::unique_ptr<gpu::Context> context = [] {
    auto cacheDir = std::filesystem::temp_directory_path() / "afterimage-test-cache";
    auto c = std::make_unique<gpu::Context>(gpu::ContextOptions{.validation = true, .cacheDir = cacheDir.string()});
    std::fprintf(stderr, "[gpu] testing on %s (%s)\n", c->info().name.c_str(), c->info().type.c_str());
    return c;
  }();
  return *context;
}

void GpuTest::SetUp() { errorsBefore_ = gpuContext().instance().validationErrorCount(); }

void GpuTest::TearDown() {
  EXPECT_EQ(gpuContext().instance().validationErrorCount(), errorsBefore_)
      << "Vulkan validation error: " << gpuContext().instance().lastValidationError();
}

double relativeL2(std::span<const float> actual, std::span<const float> expected) {
  if (actual.size() != expected.size()) return INFINITY;
  double error = 0, norm = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double d = double(actual[i]) - expected[i];
    error += d * d;
    norm += double(expected[i]) * expected[i];
  }
  return norm > 0 ? std::sqrt(error / norm) : std::sqrt(error);
}

std::vector<float> randomHalfValues(size_t count, uint32_t seed, float low, float high) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> v(count);
  for (auto& x : v) x = nn::halfToFloat(nn::floatToHalf(uniform(rng)));
  return v;
}

gpu::BufferSlice uploadHalf(gpu::Context& context, std::span<const float> values) {
  auto slice = context.arena().allocate(values.size() * 2);
  auto half = nn::toHalf(values);
  context.upload(slice, half.data(), half.size() * 2);
  return slice;
}

std::vector<float> downloadHalf(gpu::Context& context, const gpu::BufferSlice& slice, size_t count) {
  std::vector<uint16_t> half(count);
  context.download(slice, half.data(), count * 2);
  return nn::fromHalf(half);
}

}  // namespace afterimage::testing
