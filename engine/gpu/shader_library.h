// SPIR-V modules compiled from shaders/*.comp at build time and embedded in
// the binary (cmake/embed_spirv.cmake writes the table).
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace afterimage::gpu {

struct EmbeddedShader {
  const char* name;  // file name without .comp
  std::span<const uint32_t> words;
};

const std::vector<EmbeddedShader>& embeddedShaders();

// Throws GpuError when no shader of that name was embedded.
std::span<const uint32_t> findShader(std::string_view name);

}  // namespace afterimage::gpu
