// Vulkan entry points, loaded at run time from libvulkan.so.1 so that a
// machine without the loader gets a clear message instead of a linker error.
// The whole engine is compiled with VK_NO_PROTOTYPES; these pointers carry
// the usual vk* names.
#pragma once
#include <string>
#include <vulkan/vulkan.h>

#define AFTERIMAGE_VK_GLOBAL_FUNCTIONS(X) \
  X(vkCreateInstance)                     \
  X(vkEnumerateInstanceLayerProperties)   \
  X(vkEnumerateInstanceExtensionProperties)

#define AFTERIMAGE_VK_INSTANCE_FUNCTIONS(X)     \
  X(vkDestroyInstance)                          \
  X(vkEnumeratePhysicalDevices)                 \
  X(vkGetPhysicalDeviceProperties)              \
  X(vkGetPhysicalDeviceProperties2)             \
  X(vkGetPhysicalDeviceFeatures2)               \
  X(vkGetPhysicalDeviceMemoryProperties)        \
  X(vkGetPhysicalDeviceQueueFamilyProperties)   \
  X(vkEnumerateDeviceExtensionProperties)       \
  X(vkCreateDevice)                             \
  X(vkGetDeviceProcAddr)                        \
  X(vkCreateDebugUtilsMessengerEXT)             \
  X(vkDestroyDebugUtilsMessengerEXT)            \
  X(vkGetPhysicalDeviceFormatProperties)        \
  X(vkGetPhysicalDeviceCooperativeMatrixPropertiesNV) \
  X(vkDestroySurfaceKHR)                        \
  X(vkGetPhysicalDeviceSurfaceSupportKHR)       \
  X(vkGetPhysicalDeviceSurfaceCapabilitiesKHR)  \
  X(vkGetPhysicalDeviceSurfaceFormatsKHR)       \
  X(vkGetPhysicalDeviceSurfacePresentModesKHR)

// Images, graphics pipelines and swapchains: used by the presenter (ui/).
// The swapchain entry points stay null unless the context was created for
// presentation.
#define AFTERIMAGE_VK_PRESENTATION_FUNCTIONS(X) \
  X(vkCreateImage)                           \
  X(vkDestroyImage)                          \
  X(vkGetImageMemoryRequirements)            \
  X(vkBindImageMemory)                       \
  X(vkCreateImageView)                       \
  X(vkDestroyImageView)                      \
  X(vkCreateSampler)                         \
  X(vkDestroySampler)                        \
  X(vkCreateRenderPass)                      \
  X(vkDestroyRenderPass)                     \
  X(vkCreateFramebuffer)                     \
  X(vkDestroyFramebuffer)                    \
  X(vkCreateGraphicsPipelines)               \
  X(vkCreateSemaphore)                       \
  X(vkDestroySemaphore)                      \
  X(vkCreateDescriptorPool)                  \
  X(vkDestroyDescriptorPool)                 \
  X(vkResetCommandBuffer)                    \
  X(vkCmdBeginRenderPass)                    \
  X(vkCmdEndRenderPass)                      \
  X(vkCmdDraw)                               \
  X(vkCmdSetViewport)                        \
  X(vkCmdSetScissor)                         \
  X(vkCmdCopyBufferToImage)                  \
  X(vkCmdCopyImageToBuffer)                  \
  X(vkCreateSwapchainKHR)                    \
  X(vkDestroySwapchainKHR)                   \
  X(vkGetSwapchainImagesKHR)                 \
  X(vkAcquireNextImageKHR)                   \
  X(vkQueuePresentKHR)

#define AFTERIMAGE_VK_DEVICE_FUNCTIONS(X)    \
  X(vkDestroyDevice)                         \
  X(vkDeviceWaitIdle)                        \
  X(vkGetDeviceQueue)                        \
  X(vkQueueSubmit)                           \
  X(vkQueueWaitIdle)                         \
  X(vkAllocateMemory)                        \
  X(vkFreeMemory)                            \
  X(vkMapMemory)                             \
  X(vkUnmapMemory)                           \
  X(vkCreateBuffer)                          \
  X(vkDestroyBuffer)                         \
  X(vkGetBufferMemoryRequirements)           \
  X(vkBindBufferMemory)                      \
  X(vkCreateShaderModule)                    \
  X(vkDestroyShaderModule)                   \
  X(vkCreateDescriptorSetLayout)             \
  X(vkDestroyDescriptorSetLayout)            \
  X(vkCreatePipelineLayout)                  \
  X(vkDestroyPipelineLayout)                 \
  X(vkCreatePipelineCache)                   \
  X(vkDestroyPipelineCache)                  \
  X(vkGetPipelineCacheData)                  \
  X(vkCreateComputePipelines)                \
  X(vkDestroyPipeline)                       \
  X(vkCreateCommandPool)                     \
  X(vkDestroyCommandPool)                    \
  X(vkAllocateCommandBuffers)                \
  X(vkFreeCommandBuffers)                    \
  X(vkBeginCommandBuffer)                    \
  X(vkEndCommandBuffer)                      \
  X(vkCmdBindPipeline)                       \
  X(vkCmdPushConstants)                      \
  X(vkCmdPushDescriptorSetKHR)               \
  X(vkCmdDispatch)                           \
  X(vkCmdPipelineBarrier)                    \
  X(vkCmdCopyBuffer)                         \
  X(vkCmdFillBuffer)                         \
  X(vkCmdWriteTimestamp)                     \
  X(vkCmdResetQueryPool)                     \
  X(vkCreateQueryPool)                       \
  X(vkDestroyQueryPool)                      \
  X(vkGetQueryPoolResults)                   \
  X(vkCreateFence)                           \
  X(vkDestroyFence)                          \
  X(vkResetFences)                           \
  X(vkWaitForFences)                         \
  X(vkGetFenceStatus)                        \
  AFTERIMAGE_VK_PRESENTATION_FUNCTIONS(X)

#define AFTERIMAGE_VK_DECLARE(name) extern PFN_##name name;
AFTERIMAGE_VK_DECLARE(vkGetInstanceProcAddr)
AFTERIMAGE_VK_GLOBAL_FUNCTIONS(AFTERIMAGE_VK_DECLARE)
AFTERIMAGE_VK_INSTANCE_FUNCTIONS(AFTERIMAGE_VK_DECLARE)
AFTERIMAGE_VK_DEVICE_FUNCTIONS(AFTERIMAGE_VK_DECLARE)
#undef AFTERIMAGE_VK_DECLARE

namespace afterimage::gpu {

// Opens the Vulkan loader (once) and resolves the global functions.
// Throws GpuUnavailable naming the package to install when it is missing.
// libraryName empty: $AFTERIMAGE_VULKAN_LOADER if set, else libvulkan.so.1.
void loadVulkanLoader(std::string libraryName = "");
void loadInstanceFunctions(VkInstance instance);
void loadDeviceFunctions(VkDevice device);

}  // namespace afterimage::gpu
