// The fuzz input as a file, for readers that only take a path (safetensors
// mmaps its file; libsndfile opens one). One file per process, rewritten for
// every input, so parallel fuzzers do not share it; removed when the fuzzer
// exits (libFuzzer ends a timed run through exit()), so runs leave no files
// in the temporary folder.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace afterimage::fuzz {

inline std::string& inputPath() {
  static std::string path;
  return path;
}

inline std::string writeInput(const uint8_t* data, size_t size, const char* suffix) {
  std::string& path = inputPath();
  if (path.empty()) {
    path = (std::filesystem::temp_directory_path() / ("afterimage-fuzz-" + std::to_string(getpid()) + suffix)).string();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove(inputPath(), ignored);
    });
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

}  // namespace afterimage::fuzz
