// A fixture for tests that edit a set file as a user with an editor would:
// a private folder (per test process) holding live.toml, and write(), which
// moves the file's time on a second each save so that file systems with
// coarse time stamps still show the change to a watcher.
#pragma once
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/temp_path.h"

namespace afterimage::testing {

class SetFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = uniqueTempPath("set_folder");
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    file_ = folder_ / "live.toml";
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  void write(const std::string& text) {
    std::ofstream(file_, std::ios::trunc) << text;
    std::filesystem::last_write_time(file_,
                                     std::filesystem::file_time_type::clock::now() + std::chrono::seconds(++saves_));
  }
  std::string read() const {
    std::ostringstream text;
    text << std::ifstream(file_).rdbuf();
    return text.str();
  }

  std::filesystem::path folder_, file_;
  int saves_ = 0;
};

}  // namespace afterimage::testing
