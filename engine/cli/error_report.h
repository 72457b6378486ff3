// How the CLI turns an error that ended a command into one line and an exit
// code: 64 bad usage, 2 no usable Vulkan, 1 anything else (a lost GPU among
// them, named as such).
#pragma once
#include <exception>
#include <string>

namespace afterimage::cli {

struct ErrorReport {
  int exitCode = 1;
  std::string message;  // the line for stderr (without "afterimage: error: " or the usage)
};

ErrorReport describeError(const std::exception& error);

}  // namespace afterimage::cli
