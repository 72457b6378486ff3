// The output: a GLFW window, windowed or fullscreen on a chosen monitor
// (the projector), presenting with FIFO at the display's rate. Each present
// shows the newest frame it was given, crossfaded in from the one before,
// with blackout fading to black, through the output's layout (its region
// of the picture, warp and soft edges; ui/venue.h).
#pragma once
#include <memory>
#include <string>

#include "engine/gpu/context.h"
#include "ui/frame_mailbox.h"
#include "ui/glfw.h"
#include "ui/output_renderer.h"
#include "ui/venue.h"
#include "ui/window_swapchain.h"

namespace afterimage::ui {

struct OutputWindowOptions {
  int width = 960, height = 540;  // windowed size
  int monitor = -1;               // fullscreen on this monitor; -1 windowed
  std::string title = "Afterimage";
  OutputLayout layout;  // region, warp, soft edges (its monitor and size are resolved by the caller)
};

class OutputWindow {
 public:
  OutputWindow(gpu::Context& context, const OutputWindowOptions& options);
  ~OutputWindow();
  OutputWindow(const OutputWindow&) = delete;
  OutputWindow& operator=(const OutputWindow&) = delete;

  GLFWwindow* window() const { return window_; }
  int monitor() const { return monitor_; }
  // Fullscreen on monitor `index` at its current mode, or windowed (-1) at
  // the size and place it had before. Throws WindowError for a monitor that
  // is not there.
  void setMonitor(int index);

  // After a device loss: releaseGpu() destroys the window's Vulkan objects
  // (the window stays; render() presents nothing meanwhile), attachGpu()
  // makes them again on a new context and shows `again` (may be null, e.g.
  // the last frame taken) first.
  void releaseGpu();
  void attachGpu(gpu::Context& context, const HostFrame* again);

  // Draws and presents one frame. newFrame (may be null) replaces the
  // current picture, fading in over crossfadeSeconds. Returns whether a
  // frame was presented (false while minimised or rebuilding).
  // calibrate: the calibration grid instead of the picture.
  bool render(const HostFrame* newFrame, double now, float crossfadeSeconds, bool blackout,
              const std::string& capturePath = "", bool calibrate = false);

  float brightness() const { return brightness_; }  // 0 black .. 1 (blackout's fade)
  const OutputLayout& layout() const { return layout_; }
  void setLayout(const OutputLayout& layout) { layout_ = layout; }

  bool hasGpu() const { return swapchain_ != nullptr; }
  const WindowSwapchain& swapchain() const { return *swapchain_; }  // while hasGpu()
  // CPU time of the last new frame's staging copy and upload recording.
  double lastUploadMilliseconds() const { return uploadMilliseconds_; }

 private:
  GLFWwindow* window_ = nullptr;
  std::unique_ptr<WindowSwapchain> swapchain_;
  std::unique_ptr<OutputRenderer> renderer_;
  OutputLayout layout_;
  int monitor_ = -1;
  int windowedX_ = 0, windowedY_ = 0, windowedWidth_, windowedHeight_;
  const HostFrame* pending_ = nullptr;  // taken but not yet uploaded (window could not draw)
  float brightness_ = 1.0f;
  double uploadMilliseconds_ = 0;
  double lastRender_ = -1;
};

}  // namespace afterimage::ui
