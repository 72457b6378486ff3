// ChildProcess: arguments reach the program as they are (no shell), pipes
// both ways, stderr into a log, exit statuses, and a child that quits while
// we write is a false return, not a SIGPIPE death.
#include "engine/system/child_process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "tests/support/temp_path.h"

namespace afterimage::system {
namespace {

namespace fs = std::filesystem;

TEST(ChildProcess, ArgumentsArePassedLiterallyWithoutAShell) {
  fs::path dir = testing::uniqueTempPath("child_literal");
  fs::create_directories(dir);
  std::string tricky = "$(touch injected); `touch injected` 'quote\" | > out";
  ChildProcess child({.argv = {"printf", "%s", tricky}, .pipeStdout = true, .workingDirectory = dir.string()});
  EXPECT_EQ(child.readAll(), tricky);
  EXPECT_TRUE(child.wait().ok());
  EXPECT_FALSE(fs::exists(dir / "injected"));
  fs::remove_all(dir);
}

TEST(ChildProcess, StdinToStdoutRoundTrip) {
  ChildProcess cat({.argv = {"cat"}, .pipeStdin = true, .pipeStdout = true});
  std::string text = "frames\n";
  ASSERT_TRUE(cat.write({reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
  cat.closeStdin();
  EXPECT_EQ(cat.readAll(), text);
  EXPECT_EQ(cat.wait().value(), 0);
}

TEST(ChildProcess, ExitCodeAndStderrLog) {
  fs::path log = testing::uniqueTempPath("child.log");
  ChildProcess child({.argv = {"sh", "-c", "echo complaint >&2; exit 3"}, .stderrPath = log.string()});
  ExitStatus status = child.wait();
  EXPECT_EQ(status.value(), 3);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.describe(), "exit code 3");
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "complaint");
  fs::remove(log);
}

TEST(ChildProcess, WritingToAChildThatExitedReturnsFalseInsteadOfSigpipe) {
  ChildProcess child({.argv = {"true"}, .pipeStdin = true});
  std::vector<uint8_t> block(1 << 20, 7);  // more than a pipe holds
  bool accepted = true;
  for (int i = 0; i < 8 && accepted; ++i) accepted = child.write(block);
  EXPECT_FALSE(accepted);  // we are still alive to see it
  EXPECT_TRUE(child.wait().ok());
}

TEST(ChildProcess, MissingProgramThrowsNamingIt) {
  try {
    ChildProcess child({.argv = {"afterimage-no-such-program"}});
    FAIL() << "started a missing program";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find("afterimage-no-such-program"), std::string::npos) << e.what();
  }
}

TEST(ChildProcess, KilledChildReportsTheSignal) {
  ChildProcess child({.argv = {"sleep", "30"}});
  child.kill();
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.wait().value(), 128 + 9);
  EXPECT_EQ(child.wait().describe(), "killed by signal 9");
}

TEST(ChildProcess, EnvironmentIsAddedForTheChild) {
  ChildProcess child({.argv = {"printenv", "AFTERIMAGE_CHILD_TEST"},
                      .pipeStdout = true,
                      .environment = {{"AFTERIMAGE_CHILD_TEST", "a b;c"}}});
  EXPECT_EQ(child.readAll(), "a b;c\n");
  EXPECT_TRUE(child.wait().ok());
}

}  // namespace
}  // namespace afterimage::system
