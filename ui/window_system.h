// GLFW for the process: initialised once on the main thread, with the Vulkan
// instance extensions its windows need. All windows, event polling and
// monitor queries happen on the thread that made it.
#pragma once
#include <string>
#include <vector>

#include "ui/monitors.h"

namespace afterimage::ui {

class WindowSystem {
 public:
  // Throws WindowError when there is no display (e.g. $DISPLAY unset) or
  // GLFW finds no Vulkan loader.
  WindowSystem();
  ~WindowSystem();
  WindowSystem(const WindowSystem&) = delete;
  WindowSystem& operator=(const WindowSystem&) = delete;

  // For gpu::ContextOptions::windowExtensions.
  std::vector<std::string> vulkanInstanceExtensions() const;
  std::vector<MonitorInfo> monitors() const { return listMonitors(); }
};

}  // namespace afterimage::ui
