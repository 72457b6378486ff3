// What a Vulkan physical device is and can do, and how Afterimage picks one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <vulkan/vulkan.h>

namespace afterimage::gpu {

struct DeviceInfo {
  VkPhysicalDevice handle = VK_NULL_HANDLE;
  uint32_t index = 0;
  std::string name;
  std::string type;  // "discrete", "integrated", "virtual", "cpu", "other"
  std::string driver;
  std::string apiVersion;
  uint64_t deviceLocalBytes = 0;
  bool fp16Arithmetic = false;
  bool storage16Bit = false;
  bool int8Arithmetic = false;
  bool storage8Bit = false;
  uint32_t subgroupSize = 0;
  bool cooperativeMatrix = false;  // VK_KHR_ or VK_NV_cooperative_matrix is offered
  // The tensor-core kernels' needs: VK_NV_cooperative_matrix with 16x16x16
  // f16 x f16 + f32 subgroup matrices, the Vulkan memory model and 32-wide
  // subgroups. Context clears it when AFTERIMAGE_COOPMAT=0.
  bool tensorCores = false;
  // AFTERIMAGE_COOPMAT=emulate: tensorCores is set on any device and the
  // tensor-core kernels run as plain shaders (shaders/coopmat.glsl), slowly,
  // so that their results can be checked where no tensor cores are (CI).
  bool coopmatEmulated = false;
  bool vulkanMemoryModel = false;
  std::vector<std::string> cooperativeMatrixShapes;  // "MxNxK A*B+C->D scope", as the driver reports them
  bool pushDescriptors = false;
  bool timestamps = false;
  bool swapchain = false;      // VK_KHR_swapchain: can present to windows
  bool graphicsQueue = false;  // computeQueueFamily also does graphics
  uint32_t computeQueueFamily = 0;
  uint32_t computeQueueCount = 1;  // queues in that family
  float timestampPeriodNs = 1.0f;
  uint64_t maxStorageBufferRange = 0;
  uint32_t maxComputeSharedMemory = 0;
  uint64_t minStorageBufferOffsetAlignment = 16;
};

DeviceInfo describePhysicalDevice(VkPhysicalDevice device, uint32_t index);

// Lower is preferred: discrete, integrated, virtual, cpu, other.
int deviceTypeRank(const std::string& type);

// The device to use. `request` (from --gpu or AFTERIMAGE_GPU) is either an
// index or a case-insensitive part of the name; empty picks by type rank.
// Throws GpuUnavailable when nothing fits.
const DeviceInfo& chooseDevice(const std::vector<DeviceInfo>& devices, const std::string& request);

}  // namespace afterimage::gpu
