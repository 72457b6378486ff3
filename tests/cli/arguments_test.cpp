// Command-line parsing: options, flags, "-o", and a UsageError naming the
// option for every malformed value (never a crash or a silent default).
#include "engine/cli/arguments.h"

#include <gtest/gtest.h>

namespace afterimage::cli {
namespace {

const std::set<std::string> kValues = {"o", "fps", "size", "lookahead"};
const std::set<std::string> kFlags = {"beats"};

Arguments parse(const std::vector<std::string>& args) { return Arguments(args, kValues, kFlags); }

TEST(Arguments, PositionalsOptionsFlagsAndShortO) {
  Arguments a = parse({"track.wav", "--fps", "30", "--beats", "-o", "out.mp4", "--size=64x32", "--", "-x"});
  EXPECT_EQ(a.positionals(), (std::vector<std::string>{"track.wav", "--", "-x"}));
  EXPECT_EQ(a.integer("fps", 0), 30);
  EXPECT_TRUE(a.flag("beats"));
  EXPECT_EQ(a.value("o", ""), "out.mp4");
  EXPECT_EQ(a.value("size", ""), "64x32");
  EXPECT_EQ(a.number("lookahead", 1.5), 1.5);
}

TEST(Arguments, UnknownOptionAndMissingValueAreUsageErrors) {
  EXPECT_THROW(parse({"--nope"}), UsageError);
  EXPECT_THROW(parse({"--fps"}), UsageError);
  EXPECT_THROW(parse({"--beats=yes"}), UsageError);
}

TEST(Arguments, MalformedNumbersAreUsageErrors) {
  for (std::string bad : {"", "30x", "x", "99999999999999999999", " "})
    EXPECT_THROW(parse({"--fps", bad}).integer("fps", 0), UsageError) << "'" << bad << "'";
  for (std::string bad : {"nan", "inf", "-inf", "1e999", "1.5s", ""})
    EXPECT_THROW(parse({"--lookahead", bad}).number("lookahead", 0), UsageError) << "'" << bad << "'";
}

TEST(ImageSize, SquareRectangleAndBounds) {
  EXPECT_EQ(parseImageSize("512", "size").width, 512u);
  ImageSize s = parseImageSize("64x32", "size");
  EXPECT_EQ(s.width, 64u);
  EXPECT_EQ(s.height, 32u);
  for (std::string bad : {"", "x", "0x10", "10x", "x10", "-5x5", "8193x1", "5x5x5", "99999999999x1", "1x99999999999"})
    EXPECT_THROW(parseImageSize(bad, "size"), UsageError) << "'" << bad << "'";
}

}  // namespace
}  // namespace afterimage::cli
