// Set files are bounded before toml++ parses them: a key, table header or
// nesting of some 35,000 parts (which overflowed toml++'s stack) is a clean
// error with its line, in a load and in a hot reload; files over 1 MiB and
// anything but a regular file (a directory, a FIFO) are refused by name.
// Dots and brackets in strings, comments and numbers do not count.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "engine/pipeline/set_file.h"
#include "engine/pipeline/set_text_bounds.h"
#include "engine/pipeline/set_watcher.h"

namespace afterimage::pipeline {
namespace {

const std::string kScene = "[[scene]]\nprompt = \"plasma\"\n";

std::string dotted(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i) key += ".a";
  return key;
}

std::string errorOf(const std::string& toml) {
  try {
    parseSet(toml, "sets/x.toml");
  } catch (const SetError& e) {
    EXPECT_EQ(e.messages().size(), 1u);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(SetTextBounds, ADottedKeyOf35000PartsIsACleanError) {
  EXPECT_EQ(errorOf("name = \"x\"\n" + dotted(35000) + " = 1\n" + kScene),
            "sets/x.toml:2:128: a key or table name of more than 64 dotted parts");
}

TEST(SetTextBounds, ATableHeaderOf35000PartsIsACleanError) {
  EXPECT_EQ(errorOf(kScene + "[" + dotted(35000) + "]\n"),
            "sets/x.toml:3:129: a key or table name of more than 64 dotted parts");
  EXPECT_EQ(errorOf(kScene + "[[" + dotted(35000) + "]]\n"),
            "sets/x.toml:3:130: a key or table name of more than 64 dotted parts");
}

TEST(SetTextBounds, NestedArraysAndInlineTablesAreBounded) {
  EXPECT_EQ(errorOf("x = " + std::string(35000, '[') + std::string(35000, ']') + "\n" + kScene),
            "sets/x.toml:1:69: arrays, inline tables or table headers nested more than 64 deep");
  std::string inlineTables;
  for (int i = 0; i < 35000; ++i) inlineTables += "{a=";
  EXPECT_NE(errorOf("x = " + inlineTables + "\n").find("nested more than 64 deep"), std::string::npos);
}

TEST(SetTextBounds, TheLimitIs64Parts) {
  EXPECT_FALSE(checkSetTextBounds(dotted(64) + " = 1\n"));
  EXPECT_TRUE(checkSetTextBounds(dotted(65) + " = 1\n"));
  EXPECT_FALSE(checkSetTextBounds("x = " + std::string(64, '[') + std::string(64, ']') + "\n"));
  EXPECT_TRUE(checkSetTextBounds("x = " + std::string(65, '[') + std::string(65, ']') + "\n"));
}

TEST(SetTextBounds, StringsCommentsAndNumbersDoNotCount) {
  std::string dots(200, '.'), brackets(200, '[');
  std::string text = "name = \"" + dots + brackets + "\"  # " + dots + brackets + "\n" +
                     "fps = 29.97\n"
                     "[[scene]]\n"
                     "prompts = ['" + dots + "', \"\\\"" + brackets + "\", \"\"\"\n" + dots + "\n" + brackets +
                     "\"\"\", '''" + dots + "\n" + brackets + "''']\n"
                     "[scene.params]\nzoom = 1.5\n";
  EXPECT_FALSE(checkSetTextBounds(text));
  EXPECT_NO_THROW(parseSet(text, "sets/x.toml"));
}

class SetFileKindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("afterimage_set_kinds_" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::string loadError(const std::filesystem::path& file) {
    try {
      loadSet(file);
    } catch (const SetError& e) {
      return e.what();
    }
    ADD_FAILURE() << "loaded " << file;
    return "";
  }
  std::filesystem::path folder_;
};

TEST_F(SetFileKindTest, ADirectoryIsRefused) {
  auto dir = folder_ / "set.toml";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(loadError(dir), dir.string() + ": is a directory, not a set file");
}

TEST_F(SetFileKindTest, AFifoIsRefusedWithoutBlocking) {
  auto fifo = folder_ / "fifo.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(loadError(fifo), fifo.string() + ": is not a regular file (a FIFO, socket or device); a set is a .toml file");
}

TEST_F(SetFileKindTest, AFileOverOneMebibyteIsRefused) {
  auto big = folder_ / "big.toml";
  std::ofstream(big) << kScene << "# " << std::string(kMaxSetFileBytes, 'x') << "\n";
  EXPECT_EQ(loadError(big), big.string() + ": the set is " + std::to_string(std::filesystem::file_size(big)) +
                                " bytes; a set file may have at most 1048576 (1 MiB)");
}

TEST_F(SetFileKindTest, AHotReloadOfA35000PartKeyKeepsTheShow) {
  auto file = folder_ / "live.toml";
  std::ofstream(file) << kScene;
  SetWatcher watcher(file, {});
  ASSERT_TRUE(watcher.current());
  std::ofstream(file, std::ios::trunc) << kScene << dotted(35000) << " = 1\n";
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  EXPECT_FALSE(watcher.poll());
  EXPECT_TRUE(watcher.current()) << "the last good set stays";
  EXPECT_EQ(watcher.error(), file.string() + ":3:128: a key or table name of more than 64 dotted parts");
}

}  // namespace
}  // namespace afterimage::pipeline
