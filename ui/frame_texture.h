// An RGBA8 image the presenter samples: a generated frame on the GPU. Its
// own small device-memory allocation (a few per window, made only when the
// frame size changes), apart from the compute arena's buffers.
#pragma once
#include <cstdint>

#include "engine/gpu/context.h"

namespace afterimage::ui {

class FrameTexture {
 public:
  FrameTexture(gpu::Context& context, uint32_t width, uint32_t height);
  ~FrameTexture();
  FrameTexture(const FrameTexture&) = delete;
  FrameTexture& operator=(const FrameTexture&) = delete;

  VkImage image() const { return image_; }
  VkImageView view() const { return view_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }

 private:
  VkDevice device_;
  uint32_t width_, height_;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
};

}  // namespace afterimage::ui
