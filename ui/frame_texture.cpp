#include "ui/frame_texture.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::ui {
namespace {

uint32_t memoryTypeFor(VkPhysicalDevice physical, uint32_t allowed) {
  VkPhysicalDeviceMemoryProperties properties;
  vkGetPhysicalDeviceMemoryProperties(physical, &properties);
  for (VkMemoryPropertyFlags wanted : {VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT), VkMemoryPropertyFlags(0)})
    for (uint32_t i = 0; i < properties.memoryTypeCount; ++i)
      if ((allowed & (1u << i)) && (properties.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
  throw gpu::GpuError("no memory type for a frame texture");
}

}  // namespace

FrameTexture::FrameTexture(gpu::Context& context, uint32_t width, uint32_t height)
    : device_(context.device()), width_(width), height_(height) {
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = VK_FORMAT_R8G8B8A8_UNORM;
  info.extent = {width, height, 1};
  info.mipLevels = 1;
  info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  gpu::check(vkCreateImage(device_, &info, nullptr, &image_), "vkCreateImage (frame texture)");
  try {
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(device_, image_, &requirements);
    VkMemoryAllocateInfo allocInfo{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocInfo.allocationSize = requirements.size;
    allocInfo.memoryTypeIndex = memoryTypeFor(context.info().handle, requirements.memoryTypeBits);
    gpu::check(vkAllocateMemory(device_, &allocInfo, nullptr, &memory_), "vkAllocateMemory (frame texture)");
    gpu::check(vkBindImageMemory(device_, image_, memory_, 0), "vkBindImageMemory");
    VkImageViewCreateInfo viewInfo{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    viewInfo.image = image_;
    viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D;
    viewInfo.format = info.format;
    viewInfo.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    gpu::check(vkCreateImageView(device_, &viewInfo, nullptr, &view_), "vkCreateImageView (frame texture)");
  } catch (...) {
    if (memory_) vkFreeMemory(device_, memory_, nullptr);
    vkDestroyImage(device_, image_, nullptr);
    throw;
  }
}

FrameTexture::~FrameTexture() {
  if (view_) vkDestroyImageView(device_, view_, nullptr);
  if (image_) vkDestroyImage(device_, image_, nullptr);
  if (memory_) vkFreeMemory(device_, memory_, nullptr);
}

}  // namespace afterimage::ui
