// Draws the output picture into a window's render pass through the output's
// warp (ui/warp_geometry.h): its region of the current frame (the canvas),
// letterboxed in the window unless corner-pinned, crossfaded from the frame
// shown before it, dimmed for blackout, with soft edges; or the calibration
// grid in its place. New frames come as host
// RGBA8 pixels and are staged into one of two textures. A frame arriving
// mid-fade starts its fade from the frame that was fading in (a small jump):
// fades are clean when they are shorter than the generator's frame interval.
#pragma once
#include <array>
#include <memory>

#include "engine/gpu/context.h"
#include "ui/frame_mailbox.h"
#include "ui/frame_texture.h"
#include "ui/letterbox.h"
#include "ui/venue.h"

namespace afterimage::ui {

class OutputRenderer {
 public:
  OutputRenderer(gpu::Context& context, VkRenderPass renderPass);
  ~OutputRenderer();
  OutputRenderer(const OutputRenderer&) = delete;
  OutputRenderer& operator=(const OutputRenderer&) = delete;

  // Records the upload of `frame` (outside a render pass); from `now` it
  // fades in over the frame shown until then. No frame recorded earlier
  // may still be running on the GPU (WindowSwapchain::waitIdle).
  void upload(VkCommandBuffer commands, const HostFrame& frame, double now);
  // Records the draw (inside the render pass). mixAmount: 0 shows the
  // previous frame, 1 the current; brightness 0 is black. `slot` is the
  // swapchain's frame slot (its mesh buffer is rewritten: that slot's
  // previous frame has finished).
  void draw(VkCommandBuffer commands, VkExtent2D target, uint32_t slot, const OutputLayout& layout, float mixAmount,
            float brightness, bool calibrate);

  bool hasFrame() const { return current_ >= 0; }
  double lastUploadTime() const { return uploadTime_; }
  // Where the output's region of the frame lands in a window of that size
  // without a corner pin (letterboxed), in window units: top left, top
  // right, bottom right, bottom left.
  std::array<Point2, 4> placement(VkExtent2D target, const OutputLayout& layout) const;

 private:
  gpu::Context& context_;
  VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkSampler sampler_ = VK_NULL_HANDLE;
  std::unique_ptr<FrameTexture> textures_[2];
  int current_ = -1, previous_ = -1;
  gpu::BufferSlice staging_;
  gpu::BufferSlice meshes_[2];  // per frame slot
  double uploadTime_ = 0;
};

}  // namespace afterimage::ui
