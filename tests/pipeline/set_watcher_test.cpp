// SetWatcher: hot reload by polling. An edit is picked up; a broken edit
// keeps the last good set and says what is wrong (with the line); a fix
// clears the error; a vanished file keeps the set; the watcher never writes
// the user's file unless asked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/pipeline/set_file.h"
#include "engine/pipeline/set_watcher.h"
#include "tests/support/set_folder_test.h"

namespace afterimage::pipeline {
namespace {

class SetWatcherTest : public testing::SetFolderTest {};

std::string setWithFps(int fps) { return "fps = " + std::to_string(fps) + "\n[[scene]]\nprompt = \"plasma\"\n"; }

TEST_F(SetWatcherTest, ReloadsKeepsTheLastGoodSetThroughABrokenEditAndRecovers) {
  write(setWithFps(30));
  SetWatcher watcher(file_);
  ASSERT_TRUE(watcher.current());
  EXPECT_EQ(watcher.current()->fps, 30);
  EXPECT_EQ(watcher.error(), "");
  EXPECT_FALSE(watcher.poll()) << "nothing changed";

  write(setWithFps(60));
  EXPECT_TRUE(watcher.poll());
  EXPECT_EQ(watcher.current()->fps, 60);
  EXPECT_EQ(watcher.version(), 2u);

  std::string broken = "fps = 60\n[[scene]]\nprompt = \"plasma\"\n[scene.params]\nzom = 2\n";
  write(broken);
  EXPECT_FALSE(watcher.poll());
  EXPECT_EQ(watcher.current()->fps, 60) << "the last good set stays";
  EXPECT_EQ(watcher.error(), file_.string() + ":5:1: scene[0].params.zom: unknown key (did you mean 'zoom'?)");
  EXPECT_EQ(read(), broken) << "the user's file is left as it is";
  EXPECT_FALSE(watcher.poll()) << "the same broken file is not re-read";

  write(setWithFps(24));
  EXPECT_TRUE(watcher.poll());
  EXPECT_EQ(watcher.current()->fps, 24);
  EXPECT_EQ(watcher.error(), "");
}

TEST_F(SetWatcherTest, AVanishedFileKeepsTheSetUntilItComesBack) {
  write(setWithFps(30));
  SetWatcher watcher(file_);
  std::filesystem::remove(file_);
  EXPECT_FALSE(watcher.poll());
  EXPECT_EQ(watcher.current()->fps, 30);
  EXPECT_NE(watcher.error().find("missing"), std::string::npos);
  write(setWithFps(25));
  EXPECT_TRUE(watcher.poll());
  EXPECT_EQ(watcher.current()->fps, 25);
}

TEST_F(SetWatcherTest, StartsWithoutASetWhenTheFileIsBroken) {
  write("fps = \n");
  SetWatcher watcher(file_);
  EXPECT_FALSE(watcher.current());
  EXPECT_NE(watcher.error().find(":1:"), std::string::npos) << watcher.error();
  write(setWithFps(30));
  EXPECT_TRUE(watcher.poll());
  EXPECT_EQ(watcher.current()->fps, 30);
}

TEST_F(SetWatcherTest, SavesAnEditedSetOnlyWhenAskedAndDoesNotReloadItsOwnWrite) {
  write(setWithFps(30));
  SetWatcher watcher(file_);
  Set edited = *watcher.current();
  edited.fps = 48;
  watcher.replace(edited);
  EXPECT_EQ(read(), setWithFps(30)) << "replace does not write";
  EXPECT_EQ(watcher.current()->fps, 48);
  watcher.save();
  EXPECT_FALSE(watcher.poll());
  EXPECT_EQ(loadSet(file_).fps, 48);
  EXPECT_TRUE(loadSet(file_) == *watcher.current());
}

}  // namespace
}  // namespace afterimage::pipeline
