#include "ui/window_system.h"

#include <cstdlib>

#include "ui/glfw.h"
#include "ui/window_error.h"

namespace afterimage::ui {
namespace {

std::string lastGlfwError() {
  const char* description = nullptr;
  glfwGetError(&description);
  return description ? description : "unknown GLFW error";
}

}  // namespace

WindowSystem::WindowSystem() {
  if (!glfwInit()) {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    std::string hint = (!display || !*display) && (!wayland || !*wayland) ? " (no $DISPLAY: run under X11, or xvfb-run)" : "";
    throw WindowError("cannot open the window system: " + lastGlfwError() + hint);
  }
  if (!glfwVulkanSupported()) {
    glfwTerminate();
    throw WindowError("GLFW finds no Vulkan loader for windows: apt-get install libvulkan1 mesa-vulkan-drivers");
  }
}

WindowSystem::~WindowSystem() { glfwTerminate(); }

std::vector<std::string> WindowSystem::vulkanInstanceExtensions() const {
  uint32_t count = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&count);
  if (!names) throw WindowError("GLFW cannot present with Vulkan here: " + lastGlfwError());
  return std::vector<std::string>(names, names + count);
}

std::vector<MonitorInfo> listMonitors() {
  int count = 0;
  GLFWmonitor** monitors = glfwGetMonitors(&count);
  std::vector<MonitorInfo> result;
  for (int i = 0; i < count; ++i) {
    MonitorInfo info;
    info.index = i;
    const char* name = glfwGetMonitorName(monitors[i]);
    info.name = name ? name : "monitor " + std::to_string(i);
    if (const GLFWvidmode* mode = glfwGetVideoMode(monitors[i])) {
      info.width = mode->width;
      info.height = mode->height;
      info.refreshHz = mode->refreshRate;
    }
    glfwGetMonitorPos(monitors[i], &info.x, &info.y);
    result.push_back(info);
  }
  return result;
}

GLFWmonitor* monitorHandle(int index) {
  int count = 0;
  GLFWmonitor** monitors = glfwGetMonitors(&count);
  return index >= 0 && index < count ? monitors[index] : nullptr;
}

std::string describeMonitor(const MonitorInfo& m) {
  return std::to_string(m.index) + ": " + m.name + " " + std::to_string(m.width) + "x" + std::to_string(m.height) +
         " @ " + std::to_string(m.refreshHz) + " Hz";
}

}  // namespace afterimage::ui
