// One window's Vulkan surface and swapchain, its render pass (one colour
// attachment, cleared, left ready to present) and the per-frame objects:
// two frames in flight, each with a command buffer, a fence and an
// acquire semaphore. It rebuilds itself when the window is resized, when
// the surface reports out-of-date, and recreates the surface when it is lost;
// a minimised window simply skips frames.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/gpu/context.h"
#include "ui/glfw.h"

namespace afterimage::ui {

struct SwapchainFrame {
  VkCommandBuffer commands = VK_NULL_HANDLE;  // recording
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  VkExtent2D extent{};
  uint32_t image = 0;
  uint32_t slot = 0;
};

class WindowSwapchain {
 public:
  // FIFO presents at the display's rate. Other modes fall back to FIFO,
  // which every device has.
  WindowSwapchain(gpu::Context& context, GLFWwindow* window, VkPresentModeKHR presentMode = VK_PRESENT_MODE_FIFO_KHR);
  ~WindowSwapchain();
  WindowSwapchain(const WindowSwapchain&) = delete;
  WindowSwapchain& operator=(const WindowSwapchain&) = delete;

  // Waits for this slot's previous frame on the GPU, acquires an image and
  // begins recording. nullopt when nothing can be drawn now (minimised,
  // just rebuilt, surface lost): call again next loop.
  std::optional<SwapchainFrame> begin();
  void beginRenderPass(const SwapchainFrame& frame, const float clearColor[4]);
  // Ends the render pass, submits and presents. With a capturePath the
  // presented image is also read back and written there as PNG.
  void finish(const SwapchainFrame& frame, const std::string& capturePath = "");

  // Waits until no frame recorded by this swapchain is still running
  // (outside begin/finish).
  void waitIdle();
  // Between begin and finish: waits for the frames submitted before
  // `frame`, so resources they read can be rewritten.
  void waitForEarlierFrames(const SwapchainFrame& frame);

  VkRenderPass renderPass() const { return renderPass_; }
  VkFormat format() const { return format_.format; }
  uint32_t imageCount() const { return uint32_t(images_.size()); }
  uint32_t minImageCount() const { return minImageCount_; }
  VkPresentModeKHR presentMode() const { return presentMode_; }
  uint64_t rebuilds() const { return rebuilds_; }  // swapchain recreations after the first
  uint64_t surfaceLosses() const { return surfaceLosses_; }
  // Why the last rebuild failed (it is retried every frame); empty when
  // the swapchain is fine.
  const std::string& problem() const { return problem_; }

  static constexpr uint32_t kFramesInFlight = 2;

 private:
  struct Slot {
    VkCommandBuffer commands = VK_NULL_HANDLE;
    VkFence done = VK_NULL_HANDLE;
    VkSemaphore acquired = VK_NULL_HANDLE;
  };

  void createSurface();
  bool createSwapchain();  // false when the window has no area
  void destroySwapchain();
  void handleLostSurface();
  void capture(const SwapchainFrame& frame, const std::string& path);

  gpu::Context& context_;
  GLFWwindow* window_;
  VkPresentModeKHR requestedMode_;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
  VkSurfaceFormatKHR format_{};
  VkPresentModeKHR presentMode_ = VK_PRESENT_MODE_FIFO_KHR;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;
  VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
  VkExtent2D extent_{};
  uint32_t minImageCount_ = 2;
  bool canCapture_ = false;
  std::vector<VkImage> images_;
  std::vector<VkImageView> views_;
  std::vector<VkFramebuffer> framebuffers_;
  std::vector<VkSemaphore> rendered_;  // per image: presentation waits on it
  VkCommandPool pool_ = VK_NULL_HANDLE;
  Slot slots_[kFramesInFlight];
  uint32_t nextSlot_ = 0;
  bool stale_ = true;  // rebuild before the next frame
  uint64_t rebuilds_ = 0, surfaceLosses_ = 0;
  gpu::BufferSlice captureBuffer_;
  std::string problem_;
};

}  // namespace afterimage::ui
