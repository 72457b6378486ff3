// A path in the temporary directory unique to this test process, so that
// test runs sharing a machine (parallel ctest, several checkouts) never
// write each other's files.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <string>

namespace afterimage::testing {

inline std::filesystem::path uniqueTempPath(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("afterimage-" + std::to_string(getpid()) + "-" + name);
}

}  // namespace afterimage::testing
