// safetensors files: the 8-byte length, the JSON header, offsets and shapes,
// then every float tensor read. Model folders come from the internet.
#include <cstddef>
#include <cstdint>

#include "engine/nn/safetensors.h"
#include "tests/fuzz/fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace afterimage::nn;
  std::string path = afterimage::fuzz::writeInput(data, size, ".safetensors");
  try {
    SafetensorsFile file(path);
    for (const TensorRecord& record : file.tensors()) {
      file.bytes(record);
      try {
        file.readFloats(record);
      } catch (const WeightError&) {  // integer dtypes are not read as floats
      }
    }
  } catch (const WeightError&) {
  }
  return 0;
}
