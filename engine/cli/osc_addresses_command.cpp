// afterimage osc-addresses: the OSC address space (control/osc_address.h),
// what live mode takes and what it sends, one address a line.
#include <cstdio>

#include "control/osc_address.h"
#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"

namespace afterimage::cli {

int runOscAddresses(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {}, {});
  if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
  for (const auto& line : control::oscAddresses()) std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace afterimage::cli
