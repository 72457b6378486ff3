// Runs a program from an argument vector (the afterimage executable,
// ffprobe, ...), never through a shell, and returns its exit code and its
// output; tests of the command line use it.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "engine/system/child_process.h"

namespace afterimage::testing {

struct CommandResult {
  int exitCode;  // as a shell reports it: 128 + N when killed by signal N
  std::string output;
};

using Environment = std::vector<std::pair<std::string, std::string>>;

// withStderr: stderr joins the output; otherwise it is discarded.
// environment: variables added for the child; workingDirectory: its own.
inline CommandResult runCommand(const std::vector<std::string>& argv, bool withStderr = true,
                                const Environment& environment = {}, const std::string& workingDirectory = {}) {
  system::ChildProcess child({.argv = argv,
                              .pipeStdout = true,
                              .stderrToStdout = withStderr,
                              .discardStderr = !withStderr,
                              .environment = environment,
                              .workingDirectory = workingDirectory});
  std::string output = child.readAll();
  return {child.wait().value(), output};
}

}  // namespace afterimage::testing
