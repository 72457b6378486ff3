// Errors raised by the GPU layer. GpuUnavailable means "no usable Vulkan on
// this machine" (the CLI exits with code 2); DeviceLost means the device
// returned VK_ERROR_DEVICE_LOST (driver reset, GPU removed or hung): every
// object made on it is dead, only destroying them is left, and live mode
// builds a new context; OutOfGpuMemory a request beyond the device's memory;
// GpuError is any other failure.
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

class DeviceLost : public GpuError {
 public:
  using GpuError::GpuError;
};

// A request for more GPU memory than the device's heap has left, refused
// before Vulkan is asked (or Vulkan's own out-of-memory). Callers add what
// the memory was for and what to change.
class OutOfGpuMemory : public GpuError {
 public:
  using GpuError::GpuError;
};

const char* resultName(VkResult result);

// Throws GpuError("<what> failed: <VkResult name>") unless result is
// VK_SUCCESS; DeviceLost for VK_ERROR_DEVICE_LOST.
void check(VkResult result, const char* what);

}  // namespace afterimage::gpu
