// The operator's window: its own GLFW window and swapchain hosting Dear
// ImGui (the GLFW and Vulkan backends) and drawing the control panel. A
// window apart from the output so the output can be fullscreen on the
// projector while this one stays on the laptop screen.
#pragma once
#include <memory>
#include <string>

#include "engine/gpu/context.h"
#include "ui/control_state.h"
#include "ui/glfw.h"
#include "ui/window_swapchain.h"

namespace afterimage::ui {

class ControlPanelWindow {
 public:
  // keyCallback/user: the owner's shortcuts, installed before ImGui's
  // input callbacks so that ImGui chains to them.
  ControlPanelWindow(gpu::Context& context, int width, int height, GLFWkeyfun keyCallback = nullptr,
                     void* user = nullptr);
  ~ControlPanelWindow();
  ControlPanelWindow(const ControlPanelWindow&) = delete;
  ControlPanelWindow& operator=(const ControlPanelWindow&) = delete;

  GLFWwindow* window() const { return window_; }
  // Whether the panel has a text field focused: shortcuts keep off then.
  bool typing() const;
  // Draws and presents one panel frame; false when the window could not
  // draw now (minimised, rebuilding).
  bool render(const PanelModel& model, ControlState& state, double now, const std::string& capturePath = "");

  // After a device loss: releaseGpu() destroys the swapchain and Dear
  // ImGui's Vulkan backend (the window and ImGui's state stay; render()
  // draws nothing meanwhile), attachGpu() makes them on a new context.
  void releaseGpu();
  void attachGpu(gpu::Context& context);

 private:
  void release();

  gpu::Context* context_ = nullptr;  // while attached
  GLFWwindow* window_ = nullptr;
  std::unique_ptr<WindowSwapchain> swapchain_;
  VkDescriptorPool descriptors_ = VK_NULL_HANDLE;
  uint32_t imguiMinImages_ = 0;
  bool imguiGlfw_ = false, imguiVulkan_ = false;
};

}  // namespace afterimage::ui
