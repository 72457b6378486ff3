// A UNet's config.json (diffusers), read before any weight: unsupported or
// inconsistent fields must be a named error, not a crash.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/models/unet_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto config = afterimage::models::UNetConfig::fromJson(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    config.timeEmbeddingDim();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
