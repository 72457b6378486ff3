// Shared GPU context for tests: validation layer on, a private pipeline
// cache, and a fixture that fails any test raising a validation error.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <span>
#include <vector>

#include "engine/gpu/context.h"

namespace afterimage::testing {

gpu::Context& gpuContext();

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  gpu::Context& context() { return gpuContext(); }

 private:
  uint64_t errorsBefore_ = 0;
};

// Relative L2 error ||actual - expected|| / ||expected||.
double relativeL2(std::span<const float> actual, std::span<const float> expected);

// Uniform values in [low, high), rounded to f16 so CPU references see
// exactly what the GPU sees.
std::vector<float> randomHalfValues(size_t count, uint32_t seed, float low = -1.0f, float high = 1.0f);

// Uploads f32 values as f16 into a new slice of the context's arena.
gpu::BufferSlice uploadHalf(gpu::Context& context, std::span<const float> values);
std::vector<float> downloadHalf(gpu::Context& context, const gpu::BufferSlice& slice, size_t count);

}  // namespace afterimage::testing
