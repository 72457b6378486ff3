// GLFW with its Vulkan declarations, on top of the engine's run-time loaded
// Vulkan (VK_NO_PROTOTYPES): include this rather than GLFW/glfw3.h.
#pragma once
#include "engine/gpu/vulkan_functions.h"
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
