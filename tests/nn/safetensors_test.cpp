// safetensors: round trip, dtype conversion, and a clear error (file and
// tensor named) for each kind of broken file, without crashing.
#include "engine/nn/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/nn/half.h"
#include "tests/support/temp_path.h"

namespace afterimage::nn {
namespace {

std::string tempPath(const std::string& name) {
  auto dir = afterimage::testing::uniqueTempPath("safetensors-test");
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// A file with a hand-written header and `dataBytes` bytes of data.
std::string writeRaw(const std::string& name, const std::string& header, size_t dataBytes, int64_t lengthOverride = -1) {
  std::string path = tempPath(name);
  std::ofstream out(path, std::ios::binary);
  uint64_t length = lengthOverride >= 0 ? uint64_t(lengthOverride) : header.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out << header;
  out << std::string(dataBytes, '\0');
  return path;
}

void expectError(const std::string& path, const std::string& fragment) {
  try {
    SafetensorsFile file(path);
    FAIL() << "expected a WeightError containing '" << fragment << "'";
  } catch (const WeightError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(Safetensors, RoundTripF32AndF16WithMetadata) {
  std::string path = tempPath("roundtrip.safetensors");
  writeSafetensors(path,
                   {{"a", {2, 3}, {1, 2, 3, 4, 5, 6}, StoredType::F32}, {"b", {3}, {0.5f, -2.0f, 1e-3f}, StoredType::F16}},
                   {{"format", "pt"}});
  SafetensorsFile file(path);
  EXPECT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.metadata().at("format"), "pt");
  EXPECT_EQ(file.readFloats("a", {2, 3}), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  auto b = file.readFloats("b");
  EXPECT_EQ(b[0], 0.5f);
  EXPECT_EQ(b[1], -2.0f);
  EXPECT_NEAR(b[2], 1e-3f, 1e-6f);
}

TEST(Safetensors, Bf16IsConverted) {
  uint16_t values[2] = {0x3f80, 0xc040};  // 1.0, -3.0
  std::string header = R"({"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})";
  std::string path = tempPath("bf16.safetensors");
  {
    std::ofstream out(path, std::ios::binary);
    uint64_t length = header.size();
    out.write(reinterpret_cast<const char*>(&length), 8);
    out << header;
    out.write(reinterpret_cast<const char*>(values), 4);
  }
  SafetensorsFile file(path);
  EXPECT_EQ(file.readFloats("w"), (std::vector<float>{1.0f, -3.0f}));
}

TEST(Safetensors, MissingFile) { expectError(tempPath("does-not-exist.safetensors"), "cannot open"); }

TEST(Safetensors, ShorterThanTheLengthField) {
  std::string path = tempPath("tiny.safetensors");
  std::ofstream(path, std::ios::binary) << "abc";
  expectError(path, "truncated");
}

TEST(Safetensors, BadHeaderLength) {
  expectError(writeRaw("badlength.safetensors", "{}", 0, 1ll << 40), "bad header length");
}

TEST(Safetensors, HeaderIsNotJson) { expectError(writeRaw("notjson.safetensors", "{nope", 0), "not valid JSON"); }

TEST(Safetensors, OffsetsPastTheEnd) {
  expectError(writeRaw("pastend.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8),
              "past the end");
}

TEST(Safetensors, UnsupportedDtype) {
  expectError(writeRaw("dtype.safetensors", R"({"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}})", 4),
              "unsupported dtype");
}

TEST(Safetensors, ShapeDisagreesWithByteCount) {
  expectError(writeRaw("shape.safetensors", R"({"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}})", 8),
              "needs 6 bytes");
}

TEST(Safetensors, OverlappingTensors) {
  expectError(writeRaw("overlap.safetensors",
                       R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                       12),
              "overlap");
}

TEST(Safetensors, MissingAndMisShapedTensorsNameWhatWasExpected) {
  std::string path = tempPath("names.safetensors");
  writeSafetensors(path, {{"conv.weight", {4, 3, 3, 3}, std::vector<float>(108), StoredType::F16}});
  SafetensorsFile file(path);
  try {
    file.require("conv.bias", {4});
    FAIL();
  } catch (const WeightError& e) {
    EXPECT_NE(std::string(e.what()).find("missing tensor 'conv.bias'"), std::string::npos) << e.what();
  }
  try {
    file.require("conv.weight", {8, 3, 3, 3});
    FAIL();
  } catch (const WeightError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("[4, 3, 3, 3]"), std::string::npos) << m;
    EXPECT_NE(m.find("expected [8, 3, 3, 3]"), std::string::npos) << m;
  }
}

TEST(Safetensors, IntegerTensorIsNotReadAsFloat) {
  SafetensorsFile file(writeRaw("int2.safetensors", R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8));
  EXPECT_THROW(file.readFloats("ids"), WeightError);
}

TEST(Half, ConversionsRoundTripAndRoundToNearestEven) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f, 0.333251953125f})
    EXPECT_EQ(halfToFloat(floatToHalf(f)), f) << f;
  EXPECT_EQ(floatToHalf(1.0f + 1.0f / 4096), floatToHalf(1.0f));  // halfway rounds to even
  EXPECT_EQ(halfToFloat(floatToHalf(1e6f)), INFINITY);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
}

}  // namespace
}  // namespace afterimage::nn
