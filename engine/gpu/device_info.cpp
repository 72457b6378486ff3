#include "engine/gpu/device_info.h"

#include <algorithm>
#include <cstring>

#include "engine/gpu/gpu_error.h"
#include "engine/gpu/vulkan_functions.h"

namespace afterimage::gpu {
namespace {

std::string typeName(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

std::string versionString(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
         std::to_string(VK_API_VERSION_PATCH(v));
}

const char* componentName(VkComponentTypeNV type) {
  switch (type) {
    case VK_COMPONENT_TYPE_FLOAT16_NV: return "f16";
    case VK_COMPONENT_TYPE_FLOAT32_NV: return "f32";
    case VK_COMPONENT_TYPE_SINT8_NV: return "s8";
    case VK_COMPONENT_TYPE_UINT8_NV: return "u8";
    case VK_COMPONENT_TYPE_SINT32_NV: return "s32";
    case VK_COMPONENT_TYPE_UINT32_NV: return "u32";
    default: return "other";
  }
}

// The matrix shapes VK_NV_cooperative_matrix offers; true when the one the
// tensor-core kernels are written for (16x16x16, f16 inputs, f32 sums) is among them.
bool describeCooperativeMatrices(VkPhysicalDevice device, std::vector<std::string>& shapes) {
  if (!vkGetPhysicalDeviceCooperativeMatrixPropertiesNV) return false;
  uint32_t count = 0;
  if (vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(device, &count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkCooperativeMatrixPropertiesNV> properties(count, {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
  if (vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(device, &count, properties.data()) != VK_SUCCESS) return false;
  bool wanted = false;
  for (const auto& p : properties) {
    shapes.push_back(std::to_string(p.MSize) + "x" + std::to_string(p.NSize) + "x" + std::to_string(p.KSize) + " " +
                     componentName(p.AType) + "*" + componentName(p.BType) + "+" + componentName(p.CType) + "->" +
                     componentName(p.DType) + (p.scope == VK_SCOPE_SUBGROUP_NV ? " subgroup" : " other scope"));
    wanted |= p.MSize == 16 && p.NSize == 16 && p.KSize == 16 && p.AType == VK_COMPONENT_TYPE_FLOAT16_NV &&
              p.BType == VK_COMPONENT_TYPE_FLOAT16_NV && p.CType == VK_COMPONENT_TYPE_FLOAT32_NV &&
              p.DType == VK_COMPONENT_TYPE_FLOAT32_NV && p.scope == VK_SCOPE_SUBGROUP_NV;
  }
  return wanted;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

DeviceInfo describePhysicalDevice(VkPhysicalDevice device, uint32_t index) {
  DeviceInfo info;
  info.handle = device;
  info.index = index;

  VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES, &driver};
  VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &subgroup};
  vkGetPhysicalDeviceProperties2(device, &props);
  info.name = props.properties.deviceName;
  info.type = typeName(props.properties.deviceType);
  info.driver = std::string(driver.driverName) + " " + driver.driverInfo;
  info.apiVersion = versionString(props.properties.apiVersion);
  info.subgroupSize = subgroup.subgroupSize;
  info.timestampPeriodNs = props.properties.limits.timestampPeriod;
  info.maxStorageBufferRange = props.properties.limits.maxStorageBufferRange;
  info.maxComputeSharedMemory = props.properties.limits.maxComputeSharedMemorySize;
  info.minStorageBufferOffsetAlignment = props.properties.limits.minStorageBufferOffsetAlignment;

  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &v12};
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &v11};
  vkGetPhysicalDeviceFeatures2(device, &features);
  info.fp16Arithmetic = v12.shaderFloat16;
  info.int8Arithmetic = v12.shaderInt8;
  info.storage16Bit = v11.storageBuffer16BitAccess;
  info.storage8Bit = v12.storageBuffer8BitAccess;
  info.vulkanMemoryModel = v12.vulkanMemoryModel;

  uint32_t extensionCount = 0;
  vkEnumerateDeviceExtensionProperties(device, nullptr, &extensionCount, nullptr);
  std::vector<VkExtensionProperties> extensions(extensionCount);
  vkEnumerateDeviceExtensionProperties(device, nullptr, &extensionCount, extensions.data());
  bool cooperativeMatrixNV = false;
  for (const auto& e : extensions) {
    if (!strcmp(e.extensionName, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME)) cooperativeMatrixNV = true;
    if (!strcmp(e.extensionName, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME)) info.pushDescriptors = true;
    if (!strcmp(e.extensionName, VK_KHR_SWAPCHAIN_EXTENSION_NAME)) info.swapchain = true;
    if (!strcmp(e.extensionName, "VK_KHR_cooperative_matrix") || !strcmp(e.extensionName, "VK_NV_cooperative_matrix"))
      info.cooperativeMatrix = true;
  }

  if (cooperativeMatrixNV) {
    bool shape = describeCooperativeMatrices(device, info.cooperativeMatrixShapes);
    info.tensorCores = shape && info.vulkanMemoryModel && info.subgroupSize == 32;
  }

  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(device, &memory);
  for (uint32_t i = 0; i < memory.memoryHeapCount; ++i) {
    if (memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) info.deviceLocalBytes += memory.memoryHeaps[i].size;
  }

  uint32_t familyCount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, families.data());
  // Prefer a family that does compute (and graphics: the presenter shares it).
  int best = -1;
  for (uint32_t i = 0; i < familyCount; ++i) {
    if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (best < 0 || (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) {
      if (best < 0 || !(families[best].queueFlags & VK_QUEUE_GRAPHICS_BIT)) best = static_cast<int>(i);
    }
  }
  if (best >= 0) {
    info.computeQueueFamily = static_cast<uint32_t>(best);
    info.timestamps = families[best].timestampValidBits > 0;
    info.graphicsQueue = families[best].queueFlags & VK_QUEUE_GRAPHICS_BIT;
    info.computeQueueCount = families[best].queueCount;
  }
  return info;
}

int deviceTypeRank(const std::string& type) {
  static const char* order[] = {"discrete", "integrated", "virtual", "cpu"};
  for (int i = 0; i < 4; ++i)
    if (type == order[i]) return i;
  return 4;
}

const DeviceInfo& chooseDevice(const std::vector<DeviceInfo>& devices, const std::string& request) {
  if (devices.empty()) {
    throw GpuUnavailable(
        "no Vulkan device found: apt-get install mesa-vulkan-drivers (CPU device lavapipe) or your GPU's Vulkan driver");
  }
  if (!request.empty()) {
    bool numeric = std::all_of(request.begin(), request.end(), [](unsigned char c) { return std::isdigit(c); });
    for (const auto& d : devices) {
      if (numeric ? std::to_string(d.index) == request : lowercase(d.name).find(lowercase(request)) != std::string::npos)
        return d;
    }
    std::string names;
    for (const auto& d : devices) names += (names.empty() ? "" : ", ") + std::to_string(d.index) + ": " + d.name;
    throw GpuUnavailable("no Vulkan device matches '" + request + "' (have " + names + ")");
  }
  return *std::min_element(devices.begin(), devices.end(), [](const DeviceInfo& a, const DeviceInfo& b) {
    return deviceTypeRank(a.type) < deviceTypeRank(b.type);
  });
}

}  // namespace afterimage::gpu
