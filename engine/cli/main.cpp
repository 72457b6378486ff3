// afterimage: real-time audio-reactive visuals. This file only routes to the
// subcommands and turns errors into one line and an exit code:
//   0 ok, 1 failed, 2 no usable Vulkan device/driver, 64 bad usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/cli/error_report.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const afterimage::cli::CommandArgs&);
  const char* usage;
};

const Command kCommands[] = {
    {"devices", afterimage::cli::runDevices, "devices [--json]            list Vulkan devices and audio inputs"},
    {"bench", afterimage::cli::runBench,
     "bench gemm|conv2d|attention|tae|unet|frame [options]   GPU timings per stage and GFLOP/s (see README)"},
    {"generate", afterimage::cli::runGenerate,
     "generate --model DIR --prompt \"a:0.7, b:0.3\" [--steps 1..4] [--size WxH] [--seed N] [--init IMG.png "
     "--strength S] [--guidance S [--negative \"...\"]] [--tae DIR] -o OUT.png"},
    {"models", afterimage::cli::runModels,
     "models check DIR [--size WxH] [--steps N] [--tae DIR] [--temporal-window N [--temporal-lookahead L]]\n"
     "       [--temporal-bank-frames N] | models random DIR --tokenizer DIR [--seed N] [--threads N]\n"
     "                              validate a model folder (sizes, memory) | write SD-Turbo's shapes with random weights"},
    {"encode", afterimage::cli::runEncode,
     "encode IMAGE.png -o LATENT.safetensors --tae DIR|--encoder FILE   image -> latent (tiny autoencoder)"},
    {"decode", afterimage::cli::runDecode,
     "decode LATENT.safetensors -o IMAGE.png --tae DIR|--decoder FILE   latent -> image (tiny autoencoder)"},
    {"render", afterimage::cli::runRender,
     "render --set FILE --audio TRACK -o OUT.mp4|FOLDER [--fps 30] [--size WxH] [--from S] [--to S] [--csv FILE]\n"
     "       [--av-offset MS]\n"
     "                              a set over a track to video (audio muxed) or PNG frames, with a per-frame CSV"},
    {"demo-track", afterimage::cli::runDemoTrack, "demo-track -o FILE.wav        the synthesized demo track (16 s)"},
    {"synth-track", afterimage::cli::runSynthTrack,
     "synth-track --pattern NAME -o FILE.wav [--bpm 120] [--seconds 30] [--swing BEATS] [--beats FILE.beats]\n"
     "                              a synthesized track of one drum pattern (house, rock, dnb, hiphop, waltz, ...)\n"
     "                              and its beat times"},
    {"reaction", afterimage::cli::runReaction,
     "reaction CSV [--beats FILE.beats]   how a render follows its track (the demo's, or one with a .beats file):\n"
     "                              visual change vs onset strength, beats vs off-beats, flicker in the quiet\n"
     "                              frames, silence vs beats (demo) (from the render's per-frame CSV)"},
    {"analyze", afterimage::cli::runAnalyze,
     "analyze FILE [--beats|--onsets|--features] [--lookahead MS] [--channel N] [--realtime [--output DEV]]\n"
     "                              beats, onsets or features of a file (--realtime: play it, rehearsal)"},
    {"evaluate-beats", afterimage::cli::runEvaluateBeats,
     "evaluate-beats DIR [--lookahead MS] [--rate HZ] [--tracker states|autocorrelation]\n"
     "                              the analyzer's beats against annotated clips (audio + .beats files):\n"
     "                              F-measure, CMLt/AMLt, tempo and metrical errors per clip, genre and overall"},
    {"live", afterimage::cli::runLive,
     "live [--set FILE] [--input DEVICE | --audio-file TRACK [--audio-output DEVICE]] [--monitor N] [--fullscreen]\n"
     "     [--size WxH] [--model DIR] [--crossfade S] [--seconds S] [--screenshot-dir DIR] [--stats FILE] [--validation]\n"
     "     [--outputs VENUE.toml] [--calibrate]   outputs: several projectors, warp, soft edges (README: Outputs)\n"
     "     [--osc-port N] [--osc-send HOST:PORT,...] [--link off|follow|lead]\n"
     "                              the show: output window and control panel (default set: sets/default.toml);\n"
     "                              --audio-file loops; --stats: a CSV row per presentation (tools/soak)"},
    {"osc-addresses", afterimage::cli::runOscAddresses,
     "osc-addresses                 every OSC address live mode takes (set parameters, cues, actions) and sends"},
    {"window-test", afterimage::cli::runWindowTest,
     "window-test [--monitor N] [--fullscreen] [--seconds S] [--rate FPS] [--size WxH] [--crossfade S]\n"
     "            [--screenshots DIR] [--resize WxH] [--validation] [--list-monitors] [--outputs VENUE.toml] [--calibrate]\n"
     "                              output windows and control panel fed a\n"
     "                              CPU test pattern (not the show); prints the presented fps"},
};

void printUsage(FILE* out) {
  std::fprintf(out, "usage: afterimage [--gpu NAME|INDEX] COMMAND [ARGS]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %s\n", c.usage);
  std::fprintf(out, "\nThe GPU is chosen by --gpu, else $AFTERIMAGE_GPU, else discrete > integrated > CPU.\n");
}

}  // namespace

int main(int argc, char** argv) {
  afterimage::cli::CommandArgs args(argv + 1, argv + argc);
  // A global --gpu before the command applies to every command: it becomes
  // $AFTERIMAGE_GPU, which device choice reads.
  while (args.size() >= 2 && (args[0] == "--gpu" || args[0].rfind("--gpu=", 0) == 0)) {
    bool inlineValue = args[0] != "--gpu";
    std::string value = inlineValue ? args[0].substr(6) : args[1];
    setenv("AFTERIMAGE_GPU", value.c_str(), 1);
    args.erase(args.begin(), args.begin() + (inlineValue ? 1 : 2));
  }
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
    } catch (const std::exception& e) {
      auto report = afterimage::cli::describeError(e);
      if (report.exitCode == 64)
        std::fprintf(stderr, "afterimage %s: %s\nusage: afterimage %s\n", command.name, report.message.c_str(),
                     command.usage);
      else
        std::fprintf(stderr, "afterimage: error: %s\n", report.message.c_str());
      return report.exitCode;
    }
  }
  std::fprintf(stderr, "afterimage: unknown command '%s'\n", name.c_str());
  printUsage(stderr);
  return 64;
}
