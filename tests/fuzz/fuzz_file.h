// The fuzz input as a file, for readers that only take a path (safetensors
// mmaps its file; libsndfile opens one). One file per process, rewritten for
// every input, so parallel fuzzers do not share it.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace afterimage::fuzz {

inline std::string writeInput(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("afterimage-fuzz-" + std::to_string(getpid()) + suffix)).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

}  // namespace afterimage::fuzz
