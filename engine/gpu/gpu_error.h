// Errors raised by the GPU layer. GpuUnavailable means "no usable Vulkan on
// this machine" (the CLI exits with code 2); GpuError is any other failure.
#pragma once
#include <stdexcept>
#include <string>
#include <vulkan/vulkan.h>

namespace afterimage::gpu {

class GpuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GpuUnavailable : public GpuError {
 public:
  using GpuError::GpuError;
};

const char* resultName(VkResult result);

// Throws GpuError("<what>: <VkResult name>") unless result is VK_SUCCESS.
void check(VkResult result, const char* what);

}  // namespace afterimage::gpu
