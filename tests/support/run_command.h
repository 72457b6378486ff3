// Runs a shell command (the afterimage executable, ffprobe, ...) and
// returns its exit code and its output; tests of the command line use it.
#pragma once
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace afterimage::testing {

struct CommandResult {
  int exitCode;
  std::string output;
};

// withStderr: stderr joins the output; otherwise it is discarded.
inline CommandResult runCommand(const std::string& command, bool withStderr = true) {
  std::string full = command + (withStderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(full.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace afterimage::testing
