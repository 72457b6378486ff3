// A path in the temporary directory unique to this test process, so that
// test runs sharing a machine (parallel ctest, several checkouts) never
// write each other's files. Whatever a test leaves at such a path is
// removed when the test process exits, so runs do not pile up files in
// the temporary directory.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <string>

namespace afterimage::testing {

class TempPathsOfThisProcess {
 public:
  ~TempPathsOfThisProcess() {
    if (getpid() != owner_) return;  // a forked child leaves its parent's files alone
    for (const auto& path : paths_) {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  }
  void add(const std::filesystem::path& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    paths_.insert(path);
  }

 private:
  const pid_t owner_ = getpid();
  std::mutex mutex_;
  std::set<std::filesystem::path> paths_;
};

inline std::filesystem::path uniqueTempPath(const std::string& name) {
  static TempPathsOfThisProcess paths;
  auto path = std::filesystem::temp_directory_path() / ("afterimage-" + std::to_string(getpid()) + "-" + name);
  paths.add(path);
  return path;
}

}  // namespace afterimage::testing
