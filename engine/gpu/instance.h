// The Vulkan instance, with the validation layer on request. Validation
// errors are counted (tests fail on any) and printed to stderr.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "engine/gpu/device_info.h"
#include "engine/gpu/vulkan_functions.h"

namespace afterimage::gpu {

class Instance {
 public:
  // Throws GpuUnavailable when the loader is missing, validation was asked
  // for and the layer is not installed, or an extension is missing.
  // `extensions`: instance extensions to enable besides debug utils (the
  // window system's surface extensions when presenting).
  explicit Instance(bool validation, const std::vector<std::string>& extensions = {});
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  VkInstance handle() const { return instance_; }
  std::vector<DeviceInfo> devices() const;
  bool validationEnabled() const { return messenger_ != VK_NULL_HANDLE; }
  uint64_t validationErrorCount() const { return validationErrors_.load(); }
  std::string lastValidationError() const;

 private:
  static VkBool32 VKAPI_PTR onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                      VkDebugUtilsMessageTypeFlagsEXT types,
                                      const VkDebugUtilsMessengerCallbackDataEXT* data, void* self);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  std::atomic<uint64_t> validationErrors_{0};
  std::string lastValidationError_;
};

}  // namespace afterimage::gpu
