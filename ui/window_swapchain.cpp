#include "ui/window_swapchain.h"

#include <algorithm>

#include "engine/gpu/gpu_error.h"
#include "engine/image/png_image.h"
#include "ui/window_error.h"

namespace afterimage::ui {
namespace {

// Frames arrive as sRGB-encoded bytes and ImGui's colours are sRGB too, so a
// UNORM target passes them through unchanged.
VkSurfaceFormatKHR chooseFormat(VkPhysicalDevice physical, VkSurfaceKHR surface) {
  uint32_t count = 0;
  gpu::check(vkGetPhysicalDeviceSurfaceFormatsKHR(physical, surface, &count, nullptr), "vkGetPhysicalDeviceSurfaceFormatsKHR");
  std::vector<VkSurfaceFormatKHR> formats(count);
  gpu::check(vkGetPhysicalDeviceSurfaceFormatsKHR(physical, surface, &count, formats.data()),
             "vkGetPhysicalDeviceSurfaceFormatsKHR");
  if (formats.empty()) throw WindowError("the window's surface offers no pixel formats");
  for (VkFormat wanted : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM})
    for (const auto& f : formats)
      if (f.format == wanted && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) return f;
  return formats[0];
}

VkPresentModeKHR choosePresentMode(VkPhysicalDevice physical, VkSurfaceKHR surface, VkPresentModeKHR wanted) {
  uint32_t count = 0;
  gpu::check(vkGetPhysicalDeviceSurfacePresentModesKHR(physical, surface, &count, nullptr),
             "vkGetPhysicalDeviceSurfacePresentModesKHR");
  std::vector<VkPresentModeKHR> modes(count);
  gpu::check(vkGetPhysicalDeviceSurfacePresentModesKHR(physical, surface, &count, modes.data()),
             "vkGetPhysicalDeviceSurfacePresentModesKHR");
  return std::find(modes.begin(), modes.end(), wanted) != modes.end() ? wanted : VK_PRESENT_MODE_FIFO_KHR;
}

bool isBgr(VkFormat format) {
  return format == VK_FORMAT_B8G8R8A8_UNORM || format == VK_FORMAT_B8G8R8A8_SRGB;
}

}  // namespace

WindowSwapchain::WindowSwapchain(gpu::Context& context, GLFWwindow* window, VkPresentModeKHR presentMode)
    : context_(context), window_(window), requestedMode_(presentMode) {
  if (!context.presentation()) throw WindowError("the GPU context was created without presentation (windowExtensions)");
  VkDevice device = context.device();
  createSurface();
  format_ = chooseFormat(context.info().handle, surface_);

  VkAttachmentDescription colour{};
  colour.format = format_.format;
  colour.samples = VK_SAMPLE_COUNT_1_BIT;
  colour.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  colour.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  colour.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  colour.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  colour.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  colour.finalLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  VkAttachmentReference reference{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &reference;
  // The acquire semaphore is waited at colour output: the layout transition
  // at the start of the pass must come after it.
  VkSubpassDependency dependency{};
  dependency.srcSubpass = VK_SUBPASS_EXTERNAL;
  dependency.dstSubpass = 0;
  dependency.srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependency.dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependency.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  VkRenderPassCreateInfo passInfo{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  passInfo.attachmentCount = 1;
  passInfo.pAttachments = &colour;
  passInfo.subpassCount = 1;
  passInfo.pSubpasses = &subpass;
  passInfo.dependencyCount = 1;
  passInfo.pDependencies = &dependency;
  gpu::check(vkCreateRenderPass(device, &passInfo, nullptr, &renderPass_), "vkCreateRenderPass");

  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = context.queueFamily();
  gpu::check(vkCreateCommandPool(device, &poolInfo, nullptr, &pool_), "vkCreateCommandPool");
  for (auto& slot : slots_) {
    VkCommandBufferAllocateInfo allocInfo{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocInfo.commandPool = pool_;
    allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocInfo.commandBufferCount = 1;
    gpu::check(vkAllocateCommandBuffers(device, &allocInfo, &slot.commands), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fenceInfo.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    gpu::check(vkCreateFence(device, &fenceInfo, nullptr, &slot.done), "vkCreateFence");
    VkSemaphoreCreateInfo semaphoreInfo{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    gpu::check(vkCreateSemaphore(device, &semaphoreInfo, nullptr, &slot.acquired), "vkCreateSemaphore");
  }
  createSwapchain();
}

WindowSwapchain::~WindowSwapchain() {
  VkDevice device = context_.device();
  try {
    waitIdle();
    // Presentation is a queue operation no fence covers: let the queue drain
    // before the semaphores it waits on go away.
    context_.waitPresentationIdle();
  } catch (const gpu::DeviceLost&) {
    // Nothing runs on a lost device any more: only destruction is left.
  }
  destroySwapchain();
  for (VkSemaphore s : rendered_) vkDestroySemaphore(device, s, nullptr);
  for (auto& slot : slots_) {
    vkDestroySemaphore(device, slot.acquired, nullptr);
    vkDestroyFence(device, slot.done, nullptr);
  }
  vkDestroyCommandPool(device, pool_, nullptr);
  vkDestroyRenderPass(device, renderPass_, nullptr);
  if (captureBuffer_) context_.arena().release(captureBuffer_);
  if (surface_) vkDestroySurfaceKHR(context_.instance().handle(), surface_, nullptr);
}

void WindowSwapchain::createSurface() {
  VkResult result = glfwCreateWindowSurface(context_.instance().handle(), window_, nullptr, &surface_);
  if (result != VK_SUCCESS)
    throw WindowError(std::string("cannot create a Vulkan surface for the window: ") + gpu::resultName(result));
  VkBool32 supported = VK_FALSE;
  gpu::check(vkGetPhysicalDeviceSurfaceSupportKHR(context_.info().handle, context_.queueFamily(), surface_, &supported),
             "vkGetPhysicalDeviceSurfaceSupportKHR");
  if (!supported)
    throw WindowError("the Vulkan device '" + context_.info().name +
                      "' cannot present to this window from its compute queue: choose another with --gpu");
}

bool WindowSwapchain::createSwapchain() {
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  if (width <= 0 || height <= 0) return false;
  VkPhysicalDevice physical = context_.info().handle;
  VkSurfaceCapabilitiesKHR caps;
  gpu::check(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(physical, surface_, &caps),
             "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
  if (caps.currentExtent.width == 0xFFFFFFFFu) {
    extent_.width = std::clamp(uint32_t(width), caps.minImageExtent.width, caps.maxImageExtent.width);
    extent_.height = std::clamp(uint32_t(height), caps.minImageExtent.height, caps.maxImageExtent.height);
  } else {
    extent_ = caps.currentExtent;
  }
  if (extent_.width == 0 || extent_.height == 0) return false;
  presentMode_ = choosePresentMode(physical, surface_, requestedMode_);
  // One image more than the minimum, so acquiring never waits on the
  // presentation engine's own hold.
  minImageCount_ = caps.minImageCount + 1;
  if (caps.maxImageCount) minImageCount_ = std::min(minImageCount_, caps.maxImageCount);
  canCapture_ = caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT;

  VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  info.surface = surface_;
  info.minImageCount = minImageCount_;
  info.imageFormat = format_.format;
  info.imageColorSpace = format_.colorSpace;
  info.imageExtent = extent_;
  info.imageArrayLayers = 1;
  info.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | (canCapture_ ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : 0);
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = (caps.supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR)
                          ? VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR
                          : caps.currentTransform;
  info.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
  for (auto alpha : {VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR, VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR,
                     VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR, VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR}) {
    if (caps.supportedCompositeAlpha & alpha) {
      info.compositeAlpha = alpha;
      break;
    }
  }
  info.presentMode = presentMode_;
  info.clipped = VK_TRUE;
  info.oldSwapchain = swapchain_;
  VkDevice device = context_.device();
  VkSwapchainKHR created = VK_NULL_HANDLE;
  gpu::check(vkCreateSwapchainKHR(device, &info, nullptr, &created), "vkCreateSwapchainKHR");
  destroySwapchain();
  swapchain_ = created;

  uint32_t count = 0;
  gpu::check(vkGetSwapchainImagesKHR(device, swapchain_, &count, nullptr), "vkGetSwapchainImagesKHR");
  images_.resize(count);
  gpu::check(vkGetSwapchainImagesKHR(device, swapchain_, &count, images_.data()), "vkGetSwapchainImagesKHR");
  for (VkImage image : images_) {
    VkImageViewCreateInfo viewInfo{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    viewInfo.image = image;
    viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D;
    viewInfo.format = format_.format;
    viewInfo.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageView view;
    gpu::check(vkCreateImageView(device, &viewInfo, nullptr, &view), "vkCreateImageView");
    views_.push_back(view);
    VkFramebufferCreateInfo fbInfo{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fbInfo.renderPass = renderPass_;
    fbInfo.attachmentCount = 1;
    fbInfo.pAttachments = &view;
    fbInfo.width = extent_.width;
    fbInfo.height = extent_.height;
    fbInfo.layers = 1;
    VkFramebuffer framebuffer;
    gpu::check(vkCreateFramebuffer(device, &fbInfo, nullptr, &framebuffer), "vkCreateFramebuffer");
    framebuffers_.push_back(framebuffer);
  }
  // Semaphores are only added, never destroyed here: one may still be
  // waited on by a present of the old swapchain.
  while (rendered_.size() < images_.size()) {
    VkSemaphoreCreateInfo semaphoreInfo{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VkSemaphore semaphore;
    gpu::check(vkCreateSemaphore(device, &semaphoreInfo, nullptr, &semaphore), "vkCreateSemaphore");
    rendered_.push_back(semaphore);
  }
  stale_ = false;
  return true;
}

void WindowSwapchain::destroySwapchain() {
  VkDevice device = context_.device();
  for (VkFramebuffer f : framebuffers_) vkDestroyFramebuffer(device, f, nullptr);
  for (VkImageView v : views_) vkDestroyImageView(device, v, nullptr);
  framebuffers_.clear();
  views_.clear();
  images_.clear();
  if (swapchain_) {
    vkDestroySwapchainKHR(device, swapchain_, nullptr);
    swapchain_ = VK_NULL_HANDLE;
  }
}

void WindowSwapchain::handleLostSurface() {
  // The window system took the surface away (display reconfigured, driver
  // reset): drop everything made from it and build it again next frame.
  ++surfaceLosses_;
  waitIdle();
  destroySwapchain();
  vkDestroySurfaceKHR(context_.instance().handle(), surface_, nullptr);
  surface_ = VK_NULL_HANDLE;
  stale_ = true;
}

void WindowSwapchain::waitIdle() {
  VkFence fences[kFramesInFlight];
  for (uint32_t i = 0; i < kFramesInFlight; ++i) fences[i] = slots_[i].done;
  gpu::check(vkWaitForFences(context_.device(), kFramesInFlight, fences, VK_TRUE, UINT64_MAX), "vkWaitForFences");
}

void WindowSwapchain::waitForEarlierFrames(const SwapchainFrame& frame) {
  for (uint32_t i = 0; i < kFramesInFlight; ++i)
    if (i != frame.slot)
      gpu::check(vkWaitForFences(context_.device(), 1, &slots_[i].done, VK_TRUE, UINT64_MAX), "vkWaitForFences");
}

std::optional<SwapchainFrame> WindowSwapchain::begin() {
  VkDevice device = context_.device();
  // Some window systems (X11 with a software device) never report a resized
  // window as out of date: compare sizes here too.
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  if (swapchain_ && (uint32_t(width) != extent_.width || uint32_t(height) != extent_.height)) stale_ = true;
  if (stale_) {
    try {
      if (!surface_) createSurface();
      waitIdle();
      if (!createSwapchain()) return std::nullopt;
      ++rebuilds_;
      problem_.clear();
    } catch (const std::exception& e) {
      // A surface can refuse a swapchain for a moment (mid-resize, mode
      // switch); keep the window alive and try again next frame.
      problem_ = e.what();
      stale_ = true;
      return std::nullopt;
    }
  }
  Slot& slot = slots_[nextSlot_];
  gpu::check(vkWaitForFences(device, 1, &slot.done, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  uint32_t image = 0;
  // A bounded wait: a hidden window must not stall the other window's frames.
  constexpr uint64_t kAcquireTimeoutNs = 100'000'000;
  VkResult result = vkAcquireNextImageKHR(device, swapchain_, kAcquireTimeoutNs, slot.acquired, VK_NULL_HANDLE, &image);
  switch (result) {
    case VK_SUCCESS: break;
    case VK_SUBOPTIMAL_KHR: stale_ = true; break;  // draw this one, rebuild after
    case VK_TIMEOUT:
    case VK_NOT_READY: return std::nullopt;
    case VK_ERROR_OUT_OF_DATE_KHR: stale_ = true; return std::nullopt;
    case VK_ERROR_SURFACE_LOST_KHR: handleLostSurface(); return std::nullopt;
    default: gpu::check(result, "vkAcquireNextImageKHR");
  }
  gpu::check(vkResetFences(device, 1, &slot.done), "vkResetFences");
  gpu::check(vkResetCommandBuffer(slot.commands, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo beginInfo{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  beginInfo.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  gpu::check(vkBeginCommandBuffer(slot.commands, &beginInfo), "vkBeginCommandBuffer");
  return SwapchainFrame{slot.commands, framebuffers_[image], extent_, image, nextSlot_};
}

void WindowSwapchain::beginRenderPass(const SwapchainFrame& frame, const float clearColor[4]) {
  VkClearValue clear{};
  for (int i = 0; i < 4; ++i) clear.color.float32[i] = clearColor[i];
  VkRenderPassBeginInfo info{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  info.renderPass = renderPass_;
  info.framebuffer = frame.framebuffer;
  info.renderArea = {{0, 0}, frame.extent};
  info.clearValueCount = 1;
  info.pClearValues = &clear;
  vkCmdBeginRenderPass(frame.commands, &info, VK_SUBPASS_CONTENTS_INLINE);
}

void WindowSwapchain::finish(const SwapchainFrame& frame, const std::string& capturePath) {
  vkCmdEndRenderPass(frame.commands);
  bool capturing = !capturePath.empty() && canCapture_;
  if (capturing) {
    VkDeviceSize bytes = VkDeviceSize(frame.extent.width) * frame.extent.height * 4;
    if (captureBuffer_ && captureBuffer_.size < bytes) {
      context_.arena().release(captureBuffer_);
      captureBuffer_ = {};
    }
    if (!captureBuffer_) captureBuffer_ = context_.arena().allocate(bytes, gpu::MemoryKind::Staging);
    VkImageMemoryBarrier toCopy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    toCopy.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    toCopy.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    toCopy.oldLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    toCopy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    toCopy.srcQueueFamilyIndex = toCopy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toCopy.image = images_[frame.image];
    toCopy.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(frame.commands, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                         0, nullptr, 0, nullptr, 1, &toCopy);
    VkBufferImageCopy region{};
    region.bufferOffset = captureBuffer_.offset;
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {frame.extent.width, frame.extent.height, 1};
    vkCmdCopyImageToBuffer(frame.commands, images_[frame.image], VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           captureBuffer_.buffer, 1, &region);
    VkImageMemoryBarrier toPresent = toCopy;
    toPresent.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    toPresent.dstAccessMask = 0;
    toPresent.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    toPresent.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    VkBufferMemoryBarrier toHost{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    toHost.srcQueueFamilyIndex = toHost.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toHost.buffer = captureBuffer_.buffer;
    toHost.offset = captureBuffer_.offset;
    toHost.size = bytes;
    vkCmdPipelineBarrier(frame.commands, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &toHost,
                         1, &toPresent);
  }
  gpu::check(vkEndCommandBuffer(frame.commands), "vkEndCommandBuffer");

  Slot& slot = slots_[frame.slot];
  VkPipelineStageFlags waitStage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.waitSemaphoreCount = 1;
  submit.pWaitSemaphores = &slot.acquired;
  submit.pWaitDstStageMask = &waitStage;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &frame.commands;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &rendered_[frame.image];
  context_.submitPresentation(submit, slot.done);
  nextSlot_ = (nextSlot_ + 1) % kFramesInFlight;

  VkPresentInfoKHR present{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  present.waitSemaphoreCount = 1;
  present.pWaitSemaphores = &rendered_[frame.image];
  present.swapchainCount = 1;
  present.pSwapchains = &swapchain_;
  present.pImageIndices = &frame.image;
  VkResult result = context_.present(present);
  switch (result) {
    case VK_SUCCESS: break;
    case VK_SUBOPTIMAL_KHR:
    case VK_ERROR_OUT_OF_DATE_KHR: stale_ = true; break;
    case VK_ERROR_SURFACE_LOST_KHR: handleLostSurface(); break;
    default: gpu::check(result, "vkQueuePresentKHR");
  }
  if (capturing) capture(frame, capturePath);
  if (!capturePath.empty() && !canCapture_)
    throw WindowError("this window's surface cannot be read back (no transfer-source swapchain images)");
}

void WindowSwapchain::capture(const SwapchainFrame& frame, const std::string& path) {
  gpu::check(vkWaitForFences(context_.device(), 1, &slots_[frame.slot].done, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  image::Image picture;
  picture.width = frame.extent.width;
  picture.height = frame.extent.height;
  size_t plane = size_t(picture.width) * picture.height;
  picture.planar.resize(plane * 3);
  const uint8_t* pixels = reinterpret_cast<const uint8_t*>(captureBuffer_.mapped);
  bool bgr = isBgr(format_.format);
  for (size_t i = 0; i < plane; ++i) {
    const uint8_t* p = pixels + i * 4;
    picture.planar[i] = p[bgr ? 2 : 0] / 255.0f;
    picture.planar[plane + i] = p[1] / 255.0f;
    picture.planar[2 * plane + i] = p[bgr ? 0 : 2] / 255.0f;
  }
  image::writePng(path, picture);
}

}  // namespace afterimage::ui
