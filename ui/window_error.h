// Failures of windows and presentation shown to the user (no display, no
// such monitor, a surface that cannot be created).
#pragma once
#include <stdexcept>

namespace afterimage::ui {

class WindowError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace afterimage::ui
