// An X server of its own for window tests: Xvfb on a display number it
// picks itself (-displayfd), stopped when this goes out of scope.
#pragma once
#include <string>
#include <sys/types.h>

namespace afterimage::ui::testing {

class VirtualDisplay {
 public:
  // Whether Xvfb is on the PATH.
  static bool available();
  // Starts Xvfb with one screen of that size; throws std::runtime_error
  // when it does not come up within ten seconds.
  explicit VirtualDisplay(const std::string& screen = "1280x720x24");
  ~VirtualDisplay();
  VirtualDisplay(const VirtualDisplay&) = delete;
  VirtualDisplay& operator=(const VirtualDisplay&) = delete;

  std::string name() const;  // ":N", for $DISPLAY

 private:
  pid_t pid_ = -1;
  int number_ = -1;
};

}  // namespace afterimage::ui::testing
