// afterimage: real-time audio-reactive visuals. This file only routes to the
// subcommands and turns errors into one line and an exit code:
//   0 ok, 1 failed, 2 no usable Vulkan device/driver, 64 bad usage.
#include <cstdio>
#include <cstring>
#include <exception>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/gpu/gpu_error.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const afterimage::cli::CommandArgs&);
  const char* usage;
};

const Command kCommands[] = {
    {"devices", afterimage::cli::runDevices, "devices [--json]            list Vulkan devices and audio inputs"},
    {"bench", afterimage::cli::runBench,
     "bench gemm [--quick] [--sizes N,N..]   GPU matrix-multiply speed (GFLOP/s)"},
    {"analyze", afterimage::cli::runAnalyze,
     "analyze FILE [--beats|--onsets|--features] [--lookahead MS] [--channel N] [--realtime [--output DEV]]\n"
     "                              beats, onsets or features of a file (--realtime: play it, rehearsal)"},
};

void printUsage(FILE* out) {
  std::fprintf(out, "usage: afterimage [--gpu NAME|INDEX] COMMAND [ARGS]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %s\n", c.usage);
  std::fprintf(out, "\nThe GPU is chosen by --gpu, else $AFTERIMAGE_GPU, else discrete > integrated > CPU.\n");
}

}  // namespace

int main(int argc, char** argv) {
  afterimage::cli::CommandArgs args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printUsage(stdout);
    return args.empty() ? 64 : 0;
  }
  std::string name = args[0];
  args.erase(args.begin());
  for (const auto& command : kCommands) {
    if (name != command.name) continue;
    try {
      return command.run(args);
    } catch (const afterimage::cli::UsageError& e) {
      std::fprintf(stderr, "afterimage %s: %s\nusage: afterimage %s\n", command.name, e.what(), command.usage);
      return 64;
    } catch (const afterimage::gpu::GpuUnavailable& e) {
      std::fprintf(stderr, "afterimage: error: %s\n", e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "afterimage: error: %s\n", e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "afterimage: unknown command '%s'\n", name.c_str());
  printUsage(stderr);
  return 64;
}
