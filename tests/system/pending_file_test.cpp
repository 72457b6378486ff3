// PendingFile: the target changes only on commit; a discarded (or
// abandoned) one leaves it as it was and no temporary behind. sameFile
// compares files, not strings.
#include "engine/system/pending_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/temp_path.h"

namespace afterimage::system {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class PendingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::uniqueTempPath("pending_file");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    target_ = dir_ / "show.mp4";
    std::ofstream(target_) << "old";
  }
  void TearDown() override { fs::remove_all(dir_); }
  size_t files() const { return size_t(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }

  fs::path dir_, target_;
};

TEST_F(PendingFileTest, CommitReplacesTheTarget) {
  PendingFile file(target_);
  EXPECT_EQ(file.path().parent_path(), dir_);
  EXPECT_EQ(file.path().extension(), ".mp4");
  std::ofstream(file.path()) << "new";
  EXPECT_EQ(contents(target_), "old");
  file.commit();
  EXPECT_EQ(contents(target_), "new");
  EXPECT_EQ(files(), 1u);
}

TEST_F(PendingFileTest, AbandonedLeavesTheTargetAndNoTemporary) {
  {
    PendingFile file(target_);
    std::ofstream(file.path()) << "half";
  }
  EXPECT_EQ(contents(target_), "old");
  EXPECT_EQ(files(), 1u);
}

// Render outputs and saved sets alike: a link named as the target stays a
// link, the file it points to gets the new content and keeps its mode.
TEST_F(PendingFileTest, ALinkStaysALinkAndTheModeStays) {
  fs::permissions(target_, fs::perms::owner_read | fs::perms::owner_write);
  fs::path link = dir_ / "latest.mp4";
  fs::create_symlink("show.mp4", link);
  PendingFile file(link);
  EXPECT_EQ(file.destination(), target_);
  file.write("new");
  file.commit();
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(contents(target_), "new");
  EXPECT_EQ(fs::status(target_).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(files(), 2u);
}

TEST_F(PendingFileTest, AFolderTargetIsRefused) {
  fs::create_directories(dir_ / "folder.mp4");
  EXPECT_THROW(PendingFile(dir_ / "folder.mp4"), std::invalid_argument);
}

TEST_F(PendingFileTest, SameFileSeesLinksAndDotsButNotStrings) {
  fs::create_hard_link(target_, dir_ / "linked.mp4");
  fs::create_symlink(target_, dir_ / "symbolic.mp4");
  EXPECT_TRUE(sameFile(target_, dir_ / "linked.mp4"));
  EXPECT_TRUE(sameFile(target_, dir_ / "symbolic.mp4"));
  EXPECT_TRUE(sameFile(target_, dir_ / "." / "show.mp4"));
  EXPECT_TRUE(sameFile(dir_ / "new.csv", dir_ / "sub" / ".." / "new.csv"));  // neither exists
  EXPECT_FALSE(sameFile(target_, dir_ / "other.mp4"));
}

}  // namespace
}  // namespace afterimage::system
