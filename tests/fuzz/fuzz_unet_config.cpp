// A model folder's JSON configs (diffusers' unet/config.json, a motion
// adapter's config.json, scheduler/scheduler_config.json), read before any
// weight: unsupported or inconsistent fields must be a named error, not a
// crash. The same bytes go to each reader.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/diffusion/scheduler_config.h"
#include "engine/models/motion_adapter_config.h"
#include "engine/models/unet_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto config = afterimage::models::UNetConfig::fromJson(text, "fuzz");
    config.timeEmbeddingDim();
  } catch (const std::runtime_error&) {
  }
  try {
    afterimage::models::MotionAdapterConfig::fromJson(text, "fuzz");
  } catch (const std::runtime_error&) {
  }
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    afterimage::diffusion::SchedulerConfig::fromJson(json, "fuzz");
  } catch (const std::runtime_error&) {
  }
  return 0;
}
