#include "engine/gpu/context.h"

#include <cstdlib>
#include <cstring>

#include "engine/gpu/gpu_error.h"

namespace afterimage::gpu {

namespace {

// $AFTERIMAGE_GPU_MEMORY_MIB: at most this much of each memory heap, to
// leave room for a streaming or mixing program on the same GPU.
VkDeviceSize memoryCapFromEnvironment() {
  const char* env = std::getenv("AFTERIMAGE_GPU_MEMORY_MIB");
  if (!env || !*env) return 0;
  std::string text = env;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos || std::stoull(text) == 0)
    throw GpuError("AFTERIMAGE_GPU_MEMORY_MIB: '" + text + "' is not a positive whole number of MiB");
  return VkDeviceSize(std::stoull(text)) << 20;
}

}  // namespace

std::string defaultCacheDir() {
  if (const char* dir = std::getenv("AFTERIMAGE_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/afterimage";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/afterimage";
  return "";
}

Context::Context(const ContextOptions& options) {
  presentation_ = !options.windowExtensions.empty();
  instance_ = std::make_unique<Instance>(options.validation, options.windowExtensions);
  std::string request = options.gpu;
  if (request.empty())
    if (const char* env = std::getenv("AFTERIMAGE_GPU")) request = env;
  auto devices = instance_->devices();
  info_ = chooseDevice(devices, request);
  if (const char* env = std::getenv("AFTERIMAGE_COOPMAT")) {
    if (std::string(env) == "0") info_.tensorCores = false;
    if (std::string(env) == "emulate") info_.tensorCores = info_.coopmatEmulated = true;
  }
  const bool cooperativeMatrices = info_.tensorCores && !info_.coopmatEmulated;
  if (!info_.storage16Bit || !info_.fp16Arithmetic)
    throw GpuUnavailable("the Vulkan device '" + info_.name + "' lacks 16-bit storage or fp16 arithmetic");
  if (!info_.pushDescriptors)
    throw GpuUnavailable("the Vulkan device '" + info_.name + "' lacks VK_KHR_push_descriptor");
  if (presentation_ && (!info_.swapchain || !info_.graphicsQueue))
    throw GpuUnavailable("the Vulkan device '" + info_.name + "' cannot present to windows (" +
                         (info_.swapchain ? "no queue does both graphics and compute" : "no VK_KHR_swapchain") +
                         "): choose another with --gpu");

  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  v12.shaderFloat16 = VK_TRUE;
  v12.shaderInt8 = info_.int8Arithmetic;
  v12.storageBuffer8BitAccess = info_.storage8Bit;
  v12.vulkanMemoryModel = cooperativeMatrices;  // the cooperative-matrix shaders use it
  VkPhysicalDeviceCooperativeMatrixFeaturesNV cooperativeMatrix{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
  cooperativeMatrix.cooperativeMatrix = VK_TRUE;
  if (cooperativeMatrices) v12.pNext = &cooperativeMatrix;
  VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &v12};
  v11.storageBuffer16BitAccess = VK_TRUE;
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &v11};

  const float priorities[2] = {1.0f, 1.0f};
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = info_.computeQueueFamily;
  queueInfo.queueCount = presentation_ && info_.computeQueueCount >= 2 ? 2 : 1;
  queueInfo.pQueuePriorities = priorities;
  std::vector<const char*> extensions = {VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME};
  if (presentation_) extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
  if (cooperativeMatrices) extensions.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
  VkDeviceCreateInfo deviceInfo{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &features};
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  deviceInfo.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  deviceInfo.ppEnabledExtensionNames = extensions.data();
  check(vkCreateDevice(info_.handle, &deviceInfo, nullptr, &device_), ("creating a device on " + info_.name).c_str());
  loadDeviceFunctions(device_);
  vkGetDeviceQueue(device_, info_.computeQueueFamily, 0, &queue_);
  presentationQueue_ = queue_;
  if (queueInfo.queueCount == 2) vkGetDeviceQueue(device_, info_.computeQueueFamily, 1, &presentationQueue_);

  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = info_.computeQueueFamily;
  check(vkCreateCommandPool(device_, &poolInfo, nullptr, &pool_), "vkCreateCommandPool");

  bool unified = info_.type == "cpu" || info_.type == "integrated";
  arena_ = std::make_unique<MemoryArena>(info_.handle, device_, unified, info_.minStorageBufferOffsetAlignment,
                                         VkDeviceSize(128) << 20, info_.type != "cpu");
  arena_->capHeaps(memoryCapFromEnvironment());

  std::string cacheDir = options.cacheDir.empty() ? defaultCacheDir() : options.cacheDir;
  std::string cacheFile;
  if (!cacheDir.empty() && cacheDir != "-") cacheFile = cacheDir + "/pipelines-" + std::to_string(info_.index) + ".bin";
  pipelines_ = std::make_unique<PipelineRegistry>(device_, cacheFile, info_.coopmatEmulated);
}

Context::~Context() {
  if (device_) vkDeviceWaitIdle(device_);
  pipelines_.reset();
  arena_.reset();
  if (pool_) vkDestroyCommandPool(device_, pool_, nullptr);
  if (device_) vkDestroyDevice(device_, nullptr);
}

void Context::submit(VkCommandBuffer commands, VkFence fence) {
  VkSubmitInfo info{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  info.commandBufferCount = 1;
  info.pCommandBuffers = &commands;
  submit(info, fence);
}

void Context::submit(const VkSubmitInfo& info, VkFence fence) {
  std::lock_guard lock(queueMutex_);
  check(vkQueueSubmit(queue_, 1, &info, fence), "vkQueueSubmit");
}

void Context::submitPresentation(const VkSubmitInfo& info, VkFence fence) {
  std::lock_guard lock(separatePresentationQueue() ? presentationQueueMutex_ : queueMutex_);
  check(vkQueueSubmit(presentationQueue_, 1, &info, fence), "vkQueueSubmit (presentation)");
}

VkResult Context::present(const VkPresentInfoKHR& info) {
  if (!presentation_) throw GpuError("present on a context created without windowExtensions");
  std::lock_guard lock(separatePresentationQueue() ? presentationQueueMutex_ : queueMutex_);
  return vkQueuePresentKHR(presentationQueue_, &info);
}

void Context::waitPresentationIdle() {
  std::lock_guard lock(separatePresentationQueue() ? presentationQueueMutex_ : queueMutex_);
  check(vkQueueWaitIdle(presentationQueue_), "vkQueueWaitIdle (presentation)");
}

void Context::submitAndWait(VkCommandBuffer commands) {
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence;
  check(vkCreateFence(device_, &fenceInfo, nullptr, &fence), "vkCreateFence");
  try {
    submit(commands, fence);
    check(vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  } catch (...) {
    vkDestroyFence(device_, fence, nullptr);
    throw;
  }
  vkDestroyFence(device_, fence, nullptr);
}

VkCommandBuffer Context::beginOneShot() {
  VkCommandBufferAllocateInfo allocInfo{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  allocInfo.commandPool = pool_;
  allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  allocInfo.commandBufferCount = 1;
  VkCommandBuffer commands;
  {
    std::lock_guard lock(poolMutex_);
    check(vkAllocateCommandBuffers(device_, &allocInfo, &commands), "vkAllocateCommandBuffers");
  }
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(commands, &begin), "vkBeginCommandBuffer");
  return commands;
}

void Context::endOneShot(VkCommandBuffer commands) {
  check(vkEndCommandBuffer(commands), "vkEndCommandBuffer");
  submitAndWait(commands);
  std::lock_guard lock(poolMutex_);
  vkFreeCommandBuffers(device_, pool_, 1, &commands);
}

void Context::upload(const BufferSlice& destination, const void* data, size_t bytes) {
  if (bytes > destination.size) throw GpuError("upload larger than its destination slice");
  if (destination.mapped) {
    std::memcpy(destination.mapped, data, bytes);
    return;
  }
  BufferSlice staging = arena_->allocate(bytes, MemoryKind::Staging);
  std::memcpy(staging.mapped, data, bytes);
  VkCommandBuffer commands = beginOneShot();
  VkBufferCopy region{staging.offset, destination.offset, bytes};
  vkCmdCopyBuffer(commands, staging.buffer, destination.buffer, 1, &region);
  endOneShot(commands);
  arena_->release(staging);
}

void Context::download(const BufferSlice& source, void* data, size_t bytes) {
  if (bytes > source.size) throw GpuError("download larger than its source slice");
  if (source.mapped) {
    std::memcpy(data, source.mapped, bytes);
    return;
  }
  BufferSlice staging = arena_->allocate(bytes, MemoryKind::Staging);
  VkCommandBuffer commands = beginOneShot();
  VkBufferCopy region{source.offset, staging.offset, bytes};
  vkCmdCopyBuffer(commands, source.buffer, staging.buffer, 1, &region);
  endOneShot(commands);
  std::memcpy(data, staging.mapped, bytes);
  arena_->release(staging);
}

}  // namespace afterimage::gpu
