// The subcommands of the `afterimage` executable. Each takes the arguments
// after its name and returns the process exit code.
#pragma once
#include <string>
#include <vector>

namespace afterimage::cli {

using CommandArgs = std::vector<std::string>;

int runDevices(const CommandArgs& args);
int runBench(const CommandArgs& args);
int runEncode(const CommandArgs& args);
int runDecode(const CommandArgs& args);
int runGenerate(const CommandArgs& args);
int runModels(const CommandArgs& args);
int runAnalyze(const CommandArgs& args);
int runEvaluateBeats(const CommandArgs& args);
int runRender(const CommandArgs& args);
int runDemoTrack(const CommandArgs& args);
int runSynthTrack(const CommandArgs& args);
int runReaction(const CommandArgs& args);
int runWindowTest(const CommandArgs& args);
int runLive(const CommandArgs& args);
int runOscAddresses(const CommandArgs& args);

}  // namespace afterimage::cli
