#include "ui/control_panel_window.h"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>

#include "engine/gpu/gpu_error.h"
#include "ui/control_panel.h"
#include "ui/window_error.h"

namespace afterimage::ui {
namespace {

PFN_vkVoidFunction loadForImgui(const char* name, void* instance) {
  return vkGetInstanceProcAddr(static_cast<VkInstance>(instance), name);
}

void checkFromImgui(VkResult result) {
  if (result < 0) throw gpu::GpuError(std::string("Dear ImGui's Vulkan backend: ") + gpu::resultName(result));
}

}  // namespace

ControlPanelWindow::ControlPanelWindow(gpu::Context& context, int width, int height, GLFWkeyfun keyCallback,
                                       void* user) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_ = glfwCreateWindow(width, height, "Afterimage: control", nullptr, nullptr);
  if (!window_) throw WindowError("cannot open the control panel window");
  glfwSetWindowUserPointer(window_, user);
  if (keyCallback) glfwSetKeyCallback(window_, keyCallback);
  try {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini next to the user's files
    ImGui::StyleColorsDark();
    // Installs its input callbacks, chaining to the ones set above.
    imguiGlfw_ = ImGui_ImplGlfw_InitForVulkan(window_, true);
    if (!imguiGlfw_) throw WindowError("cannot start Dear ImGui's GLFW backend");
    attachGpu(context);
  } catch (...) {
    release();
    throw;
  }
}

ControlPanelWindow::~ControlPanelWindow() { release(); }

void ControlPanelWindow::attachGpu(gpu::Context& context) {
  releaseGpu();
  context_ = &context;
  // MAILBOX where there is one: the panel then never holds the loop to a
  // second display's vertical blank; the output window keeps FIFO.
  swapchain_ = std::make_unique<WindowSwapchain>(context, window_, VK_PRESENT_MODE_MAILBOX_KHR);

  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 8}};
  VkDescriptorPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  poolInfo.maxSets = 8;
  poolInfo.poolSizeCount = 1;
  poolInfo.pPoolSizes = sizes;
  gpu::check(vkCreateDescriptorPool(context.device(), &poolInfo, nullptr, &descriptors_), "vkCreateDescriptorPool");

  // Loaded again for each context: the instance and device are new.
  VkInstance instance = context.instance().handle();
  if (!ImGui_ImplVulkan_LoadFunctions(loadForImgui, instance))
    throw WindowError("Dear ImGui's Vulkan backend could not load its functions");
  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = instance;
  info.PhysicalDevice = context.info().handle;
  info.Device = context.device();
  info.QueueFamily = context.queueFamily();
  info.Queue = context.presentationQueue();
  info.DescriptorPool = descriptors_;
  imguiMinImages_ = std::max(2u, swapchain_->minImageCount());
  info.MinImageCount = imguiMinImages_;
  info.ImageCount = std::max(imguiMinImages_, swapchain_->imageCount());
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  info.CheckVkResultFn = checkFromImgui;
  imguiVulkan_ = ImGui_ImplVulkan_Init(&info, swapchain_->renderPass());
  if (!imguiVulkan_) throw WindowError("cannot start Dear ImGui's Vulkan backend");

  VkCommandBuffer commands = context.beginOneShot();
  ImGui_ImplVulkan_CreateFontsTexture(commands);
  context.endOneShot(commands);
  ImGui_ImplVulkan_DestroyFontUploadObjects();
}

void ControlPanelWindow::releaseGpu() {
  if (swapchain_) {
    try {
      swapchain_->waitIdle();
    } catch (const gpu::DeviceLost&) {
      // Nothing runs on a lost device: destroy without waiting.
    }
  }
  if (imguiVulkan_) ImGui_ImplVulkan_Shutdown();
  imguiVulkan_ = false;
  if (descriptors_) vkDestroyDescriptorPool(context_->device(), descriptors_, nullptr);
  descriptors_ = VK_NULL_HANDLE;
  swapchain_.reset();
  context_ = nullptr;
}

void ControlPanelWindow::release() {
  releaseGpu();
  if (imguiGlfw_) ImGui_ImplGlfw_Shutdown();
  imguiGlfw_ = false;
  if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
  if (window_) glfwDestroyWindow(window_);
  window_ = nullptr;
}

bool ControlPanelWindow::typing() const { return ImGui::GetCurrentContext() && ImGui::GetIO().WantTextInput; }

bool ControlPanelWindow::render(const PanelModel& model, ControlState& state, double now,
                                const std::string& capturePath) {
  if (!swapchain_ || !imguiVulkan_) return false;
  auto frame = swapchain_->begin();
  if (!frame) return false;
  if (swapchain_->minImageCount() != imguiMinImages_ && swapchain_->minImageCount() >= 2) {
    imguiMinImages_ = swapchain_->minImageCount();
    ImGui_ImplVulkan_SetMinImageCount(imguiMinImages_);
  }
  ImGui_ImplVulkan_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  drawControlPanel(model, state, now);
  ImGui::Render();
  const float clear[4] = {0.06f, 0.06f, 0.07f, 1.0f};
  swapchain_->beginRenderPass(*frame, clear);
  ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), frame->commands);
  swapchain_->finish(*frame, capturePath);
  return true;
}

}  // namespace afterimage::ui
