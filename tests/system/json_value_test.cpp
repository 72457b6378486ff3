// jsonValueAs: a config value becomes a C++ number only where it fits.
// nlohmann's get<uint32_t>() of 1e300 is undefined behaviour (the fuzzer
// found it through block_out_channels), of -1 is 4294967295.
#include "engine/system/json_value.h"

#include <gtest/gtest.h>

#include <cmath>

namespace afterimage {
namespace {

using nlohmann::json;
using system::jsonValueAs;

TEST(JsonValueAs, IntegersOutsideTheTypeAreRefused) {
  EXPECT_EQ(jsonValueAs<uint32_t>(json::parse("4294967295")), 4294967295u);
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("4294967296")));
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("-1")));
  EXPECT_EQ(jsonValueAs<int32_t>(json::parse("-2147483648")), INT32_MIN);
  EXPECT_FALSE(jsonValueAs<int32_t>(json::parse("2147483648")));
  EXPECT_FALSE(jsonValueAs<int32_t>(json::parse("18446744073709551615")));
  EXPECT_EQ(jsonValueAs<uint64_t>(json::parse("18446744073709551615")), UINT64_MAX);
}

TEST(JsonValueAs, FloatsBecomeIntegersOnlyWhenWholeAndInRange) {
  EXPECT_EQ(jsonValueAs<uint32_t>(json::parse("4.0")), 4u);
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("4.5")));
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("1e300")));
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("-1e300")));
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("4294967296.0")));
  EXPECT_FALSE(jsonValueAs<int32_t>(json::parse("2147483648.0")));
  EXPECT_EQ(jsonValueAs<int32_t>(json::parse("-2147483648.0")), INT32_MIN);
  EXPECT_FALSE(jsonValueAs<int64_t>(json::parse("9.3e18")));
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("-0.5")));
}

TEST(JsonValueAs, FloatsMustBeFiniteInTheType) {
  EXPECT_EQ(jsonValueAs<float>(json::parse("1e-5")), 1e-5f);
  EXPECT_EQ(jsonValueAs<float>(json::parse("3")), 3.0f);
  EXPECT_FALSE(jsonValueAs<float>(json::parse("1e300")));
  EXPECT_EQ(jsonValueAs<double>(json::parse("1e300")), 1e300);
  EXPECT_FALSE(jsonValueAs<double>(json(std::nan(""))));
  EXPECT_FALSE(jsonValueAs<double>(json(INFINITY)));
}

TEST(JsonValueAs, OtherTypesAreNotConverted) {
  EXPECT_FALSE(jsonValueAs<bool>(json::parse("1")));
  EXPECT_EQ(jsonValueAs<bool>(json::parse("true")), true);
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("true")));
  EXPECT_FALSE(jsonValueAs<uint32_t>(json::parse("\"4\"")));
  EXPECT_FALSE(jsonValueAs<std::string>(json::parse("4")));
  EXPECT_EQ(jsonValueAs<std::string>(json::parse("\"gelu\"")), "gelu");
}

TEST(JsonValueAs, AVectorFitsOnlyWhenEveryElementFits) {
  EXPECT_EQ(jsonValueAs<std::vector<uint32_t>>(json::parse("[320, 640.0]")), (std::vector<uint32_t>{320, 640}));
  EXPECT_FALSE(jsonValueAs<std::vector<uint32_t>>(json::parse("[320, 1e300]")));
  EXPECT_FALSE(jsonValueAs<std::vector<uint32_t>>(json::parse("320")));
  EXPECT_EQ(jsonValueAs<std::vector<std::string>>(json::parse("[\"a\"]")), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(jsonValueAs<std::vector<std::string>>(json::parse("[\"a\", 1]")));
}

}  // namespace
}  // namespace afterimage
