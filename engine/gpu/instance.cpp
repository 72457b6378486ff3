#include "engine/gpu/instance.h"

#include <cstdio>
#include <cstring>

#include "engine/gpu/gpu_error.h"

namespace afterimage::gpu {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool hasLayer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  for (const auto& l : layers)
    if (!strcmp(l.layerName, name)) return true;
  return false;
}

}  // namespace

Instance::Instance(bool validation, const std::vector<std::string>& requested) {
  loadVulkanLoader();
  if (validation && !hasLayer(kValidationLayer)) {
    throw GpuUnavailable("the Vulkan validation layer is not installed: apt-get install vulkan-validationlayers");
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "afterimage";
  app.apiVersion = VK_API_VERSION_1_2;

  std::vector<const char*> layers;
  std::vector<const char*> extensions;
  if (validation) {
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  for (const auto& name : requested) extensions.push_back(name.c_str());
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VkResult result = vkCreateInstance(&info, nullptr, &instance_);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER) {
    throw GpuUnavailable(
        "no Vulkan driver found: apt-get install mesa-vulkan-drivers (CPU device lavapipe) or your GPU's Vulkan driver");
  }
  if (result == VK_ERROR_EXTENSION_NOT_PRESENT) {
    std::string names;
    for (const auto& name : requested) names += (names.empty() ? "" : ", ") + name;
    throw GpuUnavailable("the Vulkan driver lacks an instance extension the window system needs (" + names + ")");
  }
  check(result, "vkCreateInstance");
  loadInstanceFunctions(instance_);

  if (validation) {
    VkDebugUtilsMessengerCreateInfoEXT messenger{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    messenger.messageSeverity =
        VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
    messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
    messenger.pfnUserCallback = &Instance::onMessage;
    messenger.pUserData = this;
    check(vkCreateDebugUtilsMessengerEXT(instance_, &messenger, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
  }
}

Instance::~Instance() {
  if (messenger_) vkDestroyDebugUtilsMessengerEXT(instance_, messenger_, nullptr);
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

std::vector<DeviceInfo> Instance::devices() const {
  uint32_t count = 0;
  check(vkEnumeratePhysicalDevices(instance_, &count, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> handles(count);
  check(vkEnumeratePhysicalDevices(instance_, &count, handles.data()), "vkEnumeratePhysicalDevices");
  std::vector<DeviceInfo> result;
  for (uint32_t i = 0; i < count; ++i) result.push_back(describePhysicalDevice(handles[i], i));
  return result;
}

std::string Instance::lastValidationError() const { return lastValidationError_; }

VkBool32 VKAPI_PTR Instance::onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                       VkDebugUtilsMessageTypeFlagsEXT, const VkDebugUtilsMessengerCallbackDataEXT* data,
                                       void* self) {
  auto* instance = static_cast<Instance*>(self);
  bool error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  std::fprintf(stderr, "vulkan validation %s: %s\n", error ? "error" : "warning", data->pMessage);
  if (error) {
    instance->lastValidationError_ = data->pMessage;
    instance->validationErrors_++;
  }
  return VK_FALSE;
}

}  // namespace afterimage::gpu
