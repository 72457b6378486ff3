// Audio files through libsndfile into the analyzer's mono samples
// (readMonoFile): tracks for render and rehearsal are whatever the user has.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "audio/file_source.h"
#include "tests/fuzz/fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = afterimage::fuzz::writeInput(data, size, ".wav");
  try {
    int rate = 0;
    afterimage::audio::readMonoFile(path, &rate);
    afterimage::audio::readMonoFile(path, &rate, {.channel = 1});
  } catch (const std::runtime_error&) {
  }
  return 0;
}
