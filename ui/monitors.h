// The displays GLFW sees, in its order (0 is the primary): what the output
// window can go fullscreen on. Needs an initialised WindowSystem.
#pragma once
#include <string>
#include <vector>

struct GLFWmonitor;

namespace afterimage::ui {

struct MonitorInfo {
  int index = 0;
  std::string name;
  int width = 0, height = 0;  // current video mode, pixels
  int refreshHz = 0;
  int x = 0, y = 0;           // position on the virtual desktop
};

std::vector<MonitorInfo> listMonitors();
GLFWmonitor* monitorHandle(int index);  // nullptr when out of range
std::string describeMonitor(const MonitorInfo& monitor);  // "0: HDMI-1 1920x1080 @ 60 Hz"

}  // namespace afterimage::ui
