#include "engine/gpu/shader_library.h"

#include <string>

#include "engine/gpu/gpu_error.h"

namespace afterimage::gpu {

std::span<const uint32_t> findShader(std::string_view name) {
  for (const auto& s : embeddedShaders())
    if (name == s.name) return s.words;
  throw GpuError("no embedded shader named '" + std::string(name) + "'");
}

}  // namespace afterimage::gpu
