// writeRandomTensorFile: the bytes depend on the seed, never on the thread
// count, and each tensor holds unit-variance noise scaled by fan-in (norm
// weights around 1), stored as f16.
#include "engine/models/random_tensor_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "engine/nn/safetensors.h"
#include "tests/support/temp_path.h"

namespace afterimage::models {
namespace {

// Several 1M-value chunks, a partial one, odd sizes, a norm weight.
const std::vector<WeightReader::Requested> kShapes = {
    {"block.proj.weight", {3, 700001}},
    {"block.norm.weight", {1001}},
    {"block.proj.bias", {5}},
};

std::string bytesOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(RandomTensorFile, SameSeedSameBytesWhateverTheThreadCount) {
  auto dir = afterimage::testing::uniqueTempPath("random_tensor_file");
  std::filesystem::create_directories(dir);
  std::string one = (dir / "one.safetensors").string(), four = (dir / "four.safetensors").string();
  std::string other = (dir / "other.safetensors").string();
  writeRandomTensorFile(one, kShapes, 7, 1);
  writeRandomTensorFile(four, kShapes, 7, 4);
  writeRandomTensorFile(other, kShapes, 8, 4);
  std::string bytes = bytesOf(one);
  uint64_t dataEnd = 0;  // a valid file holding all the data
  for (const auto& t : nn::SafetensorsFile(one).tensors()) dataEnd = std::max(dataEnd, t.end);
  EXPECT_EQ(dataEnd, (3u * 700001 + 1001 + 5) * 2);
  EXPECT_TRUE(bytes == bytesOf(four)) << "1 and 4 threads differ";
  EXPECT_FALSE(bytes == bytesOf(other)) << "seeds 7 and 8 gave the same file";
  std::filesystem::remove_all(dir);
}

// Mean and deviation of each tensor against offset and scale: means within
// 5 standard errors, deviations within 2% (1001 values: 10%), every value
// within the generator's bound of 3.47 deviations.
TEST(RandomTensorFile, ValuesAreUnitNoiseScaledByFanIn) {
  auto dir = afterimage::testing::uniqueTempPath("random_tensor_values");
  std::filesystem::create_directories(dir);
  std::string path = (dir / "w.safetensors").string();
  writeRandomTensorFile(path, kShapes, 7, 3);
  nn::SafetensorsFile file(path);
  ASSERT_EQ(file.tensors().size(), 3u);
  const double scales[] = {1.0 / std::sqrt(700001.0), 0.02, 0.02};
  const double offsets[] = {0, 1, 0};
  const double deviationTolerance[] = {0.02, 0.1, 1.0};
  for (size_t i = 0; i < kShapes.size(); ++i) {
    const auto& record = file.require(kShapes[i].name);
    EXPECT_EQ(record.dtype, nn::StoredType::F16);
    std::vector<float> values = file.readFloats(record);
    double sum = 0, squares = 0, worst = 0;
    for (float v : values) {
      double unit = (v - offsets[i]) / scales[i];
      sum += unit, squares += unit * unit, worst = std::max(worst, std::abs(unit));
    }
    double mean = sum / values.size(), deviation = std::sqrt(squares / values.size() - mean * mean);
    std::printf("%s: %zu values, unit mean %.4f, deviation %.4f, largest %.2f\n", kShapes[i].name.c_str(),
                values.size(), mean, deviation, worst);
    EXPECT_LT(std::abs(mean), 5.0 / std::sqrt(double(values.size()))) << kShapes[i].name;
    EXPECT_NEAR(deviation, 1.0, deviationTolerance[i]) << kShapes[i].name;
    EXPECT_LT(worst, 3.47 * 1.01) << kShapes[i].name;  // f16 rounding
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace afterimage::models
