// `afterimage bench frame` on the tiny test model: per-stage times for each
// UNet step, decode and post effects, and the frame rate (with --pipelined
// also the rate with two frames in flight); --model is required.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace {

using afterimage::testing::CommandResult;

CommandResult run(const std::vector<std::string>& argv) { return afterimage::testing::runCommand(argv); }

const std::string kBinary = AFTERIMAGE_BINARY;

TEST(BenchFrameCli, PrintsStageTimesAndFrameRate) {
  auto r = run({kBinary, "bench", "frame", "--model", AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline", "--size",
                "64x64", "--steps", "2", "--frames", "2"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  for (const char* expected : {"64x64, 2 UNet step(s)", "motion", "unet 1", "unet 2", "decode", "post", "fps"})
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << " missing from:\n" << r.output;
}

TEST(BenchFrameCli, PipelinedPrintsTheRateWithTwoFramesInFlightBesideOneAtATime) {
  auto r = run({kBinary, "bench", "frame", "--model", AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline", "--size",
                "64x64", "--frames", "3", "--pipelined"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  for (const char* expected : {"Generator::frame: ", "Generator pipelined (two frames in flight): ", "one at a time; GPU time"})
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << " missing from:\n" << r.output;
}

TEST(BenchFrameCli, ModelIsRequired) {
  auto r = run({kBinary, "bench", "frame", "--size", "64x64"});
  EXPECT_EQ(r.exitCode, 64) << r.output;
  EXPECT_NE(r.output.find("--model DIR is required"), std::string::npos) << r.output;
}

}  // namespace
