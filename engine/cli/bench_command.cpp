// `afterimage bench WHAT [options]`: GPU timings from timestamp queries.
#include <cstdio>
#include <string>

#include "engine/cli/bench_support.h"
#include "engine/cli/commands.h"

namespace afterimage::cli {
namespace {

struct Bench {
  const char* name;
  int (*run)(const CommandArgs&);
};

const Bench kBenches[] = {
    {"gemm", benchGemm}, {"conv2d", benchConv2d}, {"attention", benchAttention}, {"tae", benchTae}, {"unet", benchUNet},
    {"frame", benchFrame}};

std::string benchNames() {
  std::string names;
  for (const auto& b : kBenches) names += (names.empty() ? "" : ", ") + std::string(b.name);
  return names;
}

}  // namespace

int runBench(const CommandArgs& args) {
  if (args.empty()) throw UsageError("name one benchmark: " + benchNames());
  CommandArgs rest(args.begin() + 1, args.end());
  for (const auto& b : kBenches)
    if (args[0] == b.name) return b.run(rest);
  throw UsageError("unknown benchmark '" + args[0] + "' (have: " + benchNames() + ")");
}

}  // namespace afterimage::cli
