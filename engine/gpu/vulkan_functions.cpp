#include "engine/gpu/vulkan_functions.h"

#include <dlfcn.h>

#include <cstdlib>

#include "engine/gpu/gpu_error.h"

#define AFTERIMAGE_VK_DEFINE(name) PFN_##name name = nullptr;
AFTERIMAGE_VK_DEFINE(vkGetInstanceProcAddr)
AFTERIMAGE_VK_GLOBAL_FUNCTIONS(AFTERIMAGE_VK_DEFINE)
AFTERIMAGE_VK_INSTANCE_FUNCTIONS(AFTERIMAGE_VK_DEFINE)
AFTERIMAGE_VK_DEVICE_FUNCTIONS(AFTERIMAGE_VK_DEFINE)
#undef AFTERIMAGE_VK_DEFINE

namespace afterimage::gpu {

void loadVulkanLoader(std::string libraryName) {
  if (vkGetInstanceProcAddr) return;
  if (libraryName.empty()) {
    const char* env = std::getenv("AFTERIMAGE_VULKAN_LOADER");
    libraryName = env && *env ? env : "libvulkan.so.1";
  }
  void* library = dlopen(libraryName.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    throw GpuUnavailable("the Vulkan loader (" + libraryName +
                         ") is not installed: apt-get install libvulkan1 mesa-vulkan-drivers");
  }
  auto getProc = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(library, "vkGetInstanceProcAddr"));
  if (!getProc) {
    throw GpuUnavailable(libraryName +
                         " has no vkGetInstanceProcAddr: reinstall libvulkan1");
  }
  vkGetInstanceProcAddr = getProc;
#define AFTERIMAGE_VK_LOAD(name) name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(nullptr, #name));
  AFTERIMAGE_VK_GLOBAL_FUNCTIONS(AFTERIMAGE_VK_LOAD)
#undef AFTERIMAGE_VK_LOAD
}

void loadInstanceFunctions(VkInstance instance) {
#define AFTERIMAGE_VK_LOAD(name) name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(instance, #name));
  AFTERIMAGE_VK_INSTANCE_FUNCTIONS(AFTERIMAGE_VK_LOAD)
#undef AFTERIMAGE_VK_LOAD
}

void loadDeviceFunctions(VkDevice device) {
#define AFTERIMAGE_VK_LOAD(name) name = reinterpret_cast<PFN_##name>(vkGetDeviceProcAddr(device, #name));
  AFTERIMAGE_VK_DEVICE_FUNCTIONS(AFTERIMAGE_VK_LOAD)
#undef AFTERIMAGE_VK_LOAD
}

}  // namespace afterimage::gpu
