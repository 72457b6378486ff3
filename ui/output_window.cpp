#include "ui/output_window.h"

#include <algorithm>
#include <chrono>

#include "engine/gpu/gpu_error.h"
#include "ui/monitors.h"
#include "ui/window_error.h"

namespace afterimage::ui {

OutputWindow::OutputWindow(gpu::Context& context, const OutputWindowOptions& options)
    : layout_(options.layout), windowedWidth_(options.width), windowedHeight_(options.height) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_ = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!window_) throw WindowError("cannot open the output window");
  try {
    glfwGetWindowPos(window_, &windowedX_, &windowedY_);
    if (options.monitor >= 0) setMonitor(options.monitor);
    attachGpu(context, nullptr);
  } catch (...) {
    renderer_.reset();
    swapchain_.reset();
    glfwDestroyWindow(window_);
    throw;
  }
}

OutputWindow::~OutputWindow() {
  releaseGpu();
  glfwDestroyWindow(window_);
}

void OutputWindow::releaseGpu() {
  if (swapchain_) {
    try {
      swapchain_->waitIdle();
    } catch (const gpu::DeviceLost&) {
      // Nothing runs on a lost device: destroy without waiting.
    }
  }
  renderer_.reset();
  swapchain_.reset();
  pending_ = nullptr;
}

void OutputWindow::attachGpu(gpu::Context& context, const HostFrame* again) {
  releaseGpu();
  swapchain_ = std::make_unique<WindowSwapchain>(context, window_, VK_PRESENT_MODE_FIFO_KHR);
  renderer_ = std::make_unique<OutputRenderer>(context, swapchain_->renderPass());
  pending_ = again;
}

void OutputWindow::setMonitor(int index) {
  if (index == monitor_) return;
  if (index < 0) {
    glfwSetWindowMonitor(window_, nullptr, windowedX_, windowedY_, windowedWidth_, windowedHeight_, GLFW_DONT_CARE);
    monitor_ = -1;
    return;
  }
  GLFWmonitor* handle = monitorHandle(index);
  if (!handle) {
    std::string have;
    for (const auto& m : listMonitors()) have += (have.empty() ? "" : "; ") + describeMonitor(m);
    throw WindowError("no monitor " + std::to_string(index) + " (have " + (have.empty() ? "none" : have) + ")");
  }
  if (monitor_ < 0) {
    glfwGetWindowPos(window_, &windowedX_, &windowedY_);
    glfwGetWindowSize(window_, &windowedWidth_, &windowedHeight_);
  }
  const GLFWvidmode* mode = glfwGetVideoMode(handle);
  glfwSetWindowMonitor(window_, handle, 0, 0, mode->width, mode->height, mode->refreshRate);
  monitor_ = index;
}

bool OutputWindow::render(const HostFrame* newFrame, double now, float crossfadeSeconds, bool blackout,
                          const std::string& capturePath, bool calibrate) {
  if (newFrame) pending_ = newFrame;
  double elapsed = lastRender_ < 0 ? 0 : now - lastRender_;
  lastRender_ = now;
  // Blackout fades like a crossfade (a cut when the crossfade is 0).
  float step = crossfadeSeconds > 0 ? float(elapsed / crossfadeSeconds) : 1.0f;
  brightness_ = blackout ? std::max(0.0f, brightness_ - step) : std::min(1.0f, brightness_ + step);

  if (!swapchain_) return false;
  auto frame = swapchain_->begin();
  if (!frame) return false;
  if (pending_) {
    // The texture written now may still be read by the frame before.
    swapchain_->waitForEarlierFrames(*frame);
    auto start = std::chrono::steady_clock::now();
    renderer_->upload(frame->commands, *pending_, now);
    uploadMilliseconds_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    pending_ = nullptr;
  }
  float mix = crossfadeSeconds > 0 ? float((now - renderer_->lastUploadTime()) / crossfadeSeconds) : 1.0f;
  const float black[4] = {0, 0, 0, 1};
  swapchain_->beginRenderPass(*frame, black);
  renderer_->draw(frame->commands, frame->extent, frame->slot, layout_, std::clamp(mix, 0.0f, 1.0f), brightness_,
                  calibrate);
  swapchain_->finish(*frame, capturePath);
  return true;
}

}  // namespace afterimage::ui
