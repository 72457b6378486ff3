// Saving a set keeps the user's files: every hand-written version gets its
// own backup (none overwritten), a symbolic link stays a link, the file's
// permission bits stay, and a save that fails leaves the file as it was and
// no temporary beside it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/pipeline/set_file.h"
#include "tests/support/temp_path.h"

namespace afterimage::pipeline {
namespace {

namespace fs = std::filesystem;

// A set as a person writes one: comments, own layout.
std::string handWritten(const std::string& comment) {
  return "# " + comment + "\nname = \"Show\"\nmodel = \"default\"\nsize = [256, 256]\nfps = 30\nsteps = 1\nbpm = 120\n\n"
         "[[scene]]\nname = \"plasma\"\nprompt = \"plasma\"\n";
}

std::string fileText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeText(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

class SetSave : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = afterimage::testing::uniqueTempPath("set_save");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> all;
    for (auto& entry : fs::directory_iterator(dir_)) all.push_back(entry.path().filename().string());
    std::sort(all.begin(), all.end());
    return all;
  }
  // Loads `file`, changes a gain, saves.
  void editAndSave(const fs::path& file, double bpm) {
    Set set = loadSet(file);
    set.bpm = bpm;
    saveSet(set, file);
  }

  fs::path dir_;
};

TEST_F(SetSave, TwoSavesAfterHandEditsKeepBothOriginals) {
  fs::path file = dir_ / "show.toml";
  writeText(file, handWritten("first version"));
  editAndSave(file, 121);
  writeText(file, handWritten("second version, edited by hand after the save"));
  editAndSave(file, 122);
  EXPECT_EQ(fileText(dir_ / "show.toml.bak"), handWritten("first version"));
  EXPECT_EQ(fileText(dir_ / "show.toml.bak.1"), handWritten("second version, edited by hand after the save"));
  EXPECT_EQ(loadSet(file).bpm, 122);
  // A save of the saved file adds no copy: it holds nothing the set does not.
  editAndSave(file, 123);
  EXPECT_EQ(names(), (std::vector<std::string>{"show.toml", "show.toml.bak", "show.toml.bak.1"}));
}

TEST_F(SetSave, OnlyTheNewestTenBackupsAreKept) {
  fs::path file = dir_ / "show.toml";
  for (int version = 0; version < 12; ++version) {
    writeText(file, handWritten("version " + std::to_string(version)));
    editAndSave(file, 100 + version);
  }
  std::vector<std::string> all = names();
  EXPECT_EQ(all.size(), 11u) << "the set and 10 backups";
  EXPECT_FALSE(fs::exists(dir_ / "show.toml.bak"));
  EXPECT_FALSE(fs::exists(dir_ / "show.toml.bak.1"));
  EXPECT_EQ(fileText(dir_ / "show.toml.bak.2"), handWritten("version 2"));
  EXPECT_EQ(fileText(dir_ / "show.toml.bak.11"), handWritten("version 11"));
}

TEST_F(SetSave, ASymbolicLinkStaysALinkAndItsTargetIsUpdated) {
  fs::create_directories(dir_ / "real");
  fs::path target = dir_ / "real" / "show.toml";
  writeText(target, handWritten("the real file"));
  fs::path link = dir_ / "show.toml";
  fs::create_symlink("real/show.toml", link);
  editAndSave(link, 140);
  ASSERT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link), "real/show.toml");
  EXPECT_EQ(loadSet(target).bpm, 140);
  EXPECT_EQ(fileText(dir_ / "real" / "show.toml.bak"), handWritten("the real file")) << "kept beside the file it copies";
}

TEST_F(SetSave, APrivateSetStaysPrivate) {
  fs::path file = dir_ / "show.toml";
  writeText(file, handWritten("private"));
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  editAndSave(file, 125);
  editAndSave(file, 126);
  auto mode = [](const fs::path& f) { return fs::status(f).permissions() & fs::perms::all; };
  EXPECT_EQ(mode(file), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(mode(dir_ / "show.toml.bak"), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(loadSet(file).bpm, 126);
}

// A write that fails half-way (here a file-size limit, which binds root
// too): the set file is as it was and no temporary is left.
TEST_F(SetSave, FailedWriteLeavesTheFileAndNoTemporary) {
  fs::path file = dir_ / "show.toml";
  Set set = parseSet(handWritten("saved"), file);
  saveSet(set, file);
  std::string before = fileText(file);
  set.bpm = 150;
  set.name = std::string(4096, 'x');  // longer than the limit below

  struct rlimit old {};
  ::getrlimit(RLIMIT_FSIZE, &old);
  struct rlimit limited = old;
  limited.rlim_cur = before.size() + 16;
  auto oldHandler = ::signal(SIGXFSZ, SIG_IGN);  // the write then fails with EFBIG
  ::setrlimit(RLIMIT_FSIZE, &limited);
  EXPECT_THROW(saveSet(set, file), std::runtime_error);
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, oldHandler);

  EXPECT_EQ(fileText(file), before);
  EXPECT_EQ(names(), std::vector<std::string>{"show.toml"});
}

}  // namespace
}  // namespace afterimage::pipeline
