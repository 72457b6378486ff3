// `afterimage live` under Xvfb with OSC in and out on loopback: the test
// sends /afterimage/param/brightness 0 once live mode listens, and the
// output turns black (the set edit reached the generator); meanwhile the
// analysis of each hop arrives at the test's own OSC server.
#include <gtest/gtest.h>
#include <lo/lo.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "../ui/screenshot_checks.h"
#include "../ui/virtual_display.h"
#include "engine/image/png_image.h"
#include "tests/support/run_command.h"

namespace afterimage::control {
namespace {

namespace fs = std::filesystem;

int freePort() {
  lo_server probe = lo_server_new(nullptr, nullptr);
  int port = lo_server_get_port(probe);
  lo_server_free(probe);
  return port;
}

std::string readAll(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int count(const char* path, const char*, lo_arg**, int, lo_message, void* counts) {
  (*static_cast<std::map<std::string, int>*>(counts))[path]++;
  return 0;
}

TEST(LiveOsc, AParameterSentOverOscChangesTheOutputAndTheAnalysisComesBack) {
  if (!ui::testing::VirtualDisplay::available()) GTEST_SKIP() << "Xvfb is not installed (./afterimage.sh test installs it)";
  ui::testing::VirtualDisplay display;
  fs::path dir = fs::temp_directory_path() / ("afterimage_live_osc_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string binary = AFTERIMAGE_BINARY, track = (dir / "track.wav").string(), set = (dir / "osc.toml").string();
  ASSERT_EQ(afterimage::testing::runCommand({binary, "demo-track", "-o", track}).exitCode, 0);
  std::ofstream(set) << "model = \"" AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline\"\n"
                        "size = [64, 64]\nfps = 30\n\n[[scene]]\nprompt = \"a misty forest\"\nseed = 3\n";

  int inPort = freePort(), outPort = freePort();
  lo_server receiver = lo_server_new_with_proto(std::to_string(outPort).c_str(), LO_UDP, nullptr);
  ASSERT_NE(receiver, nullptr);
  std::map<std::string, int> received;
  lo_server_add_method(receiver, nullptr, nullptr, count, &received);

  const char* gpu = std::getenv("AFTERIMAGE_GPU");
  fs::path log = dir / "live.log";
  std::atomic<bool> done{false};
  afterimage::testing::CommandResult result{};
  std::thread live([&] {
    result = afterimage::testing::runCommand(
        {"bash", "-c",
         "exec \"$0\" live --validation --set \"$1\" --audio-file \"$2\" --seconds 9 --size 64x64 --osc-port \"$3\" "
         "--osc-send 127.0.0.1:\"$4\" --screenshot-dir \"$5\" > \"$6\" 2>&1",
         binary, set, track, std::to_string(inPort), std::to_string(outPort), dir.string(), log.string()},
        true, {{"DISPLAY", display.name()}, {"AFTERIMAGE_GPU", gpu && *gpu ? gpu : "llvmpipe"}});
    done = true;
  });

  bool listening = false, generating = false;
  while (!done && !(listening && generating)) {
    std::string text = readAll(log);
    listening = text.find("OSC in: listening on port " + std::to_string(inPort)) != std::string::npos;
    // A once-a-second line with a non-zero generated rate ("generated 8.3 fps").
    static const std::regex rate(R"(generated ([0-9.]+) fps)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), rate); it != std::sregex_iterator(); ++it)
      generating = generating || std::stod((*it)[1]) > 0;
    lo_server_recv_noblock(receiver, 50);
  }
  lo_address to = lo_address_new("127.0.0.1", std::to_string(inPort).c_str());
  lo_send(to, "/afterimage/param/brightness", "f", 0.0f);
  lo_address_free(to);
  while (!done) lo_server_recv_noblock(receiver, 50);
  live.join();
  while (lo_server_recv_noblock(receiver, 0) > 0) {}  // what is still in the socket
  lo_server_free(receiver);
  std::string output = readAll(log);
  std::printf("%s", output.c_str());
  ASSERT_EQ(result.exitCode, 0) << output;
  ASSERT_TRUE(listening) << "live mode never said it listens on " << inPort;

  // The analysis arrived each hop (over a hundred a second).
  std::printf("received: tempo %d, bands %d, loudness %d, beat %d\n", received["/afterimage/tempo"],
              received["/afterimage/bands"], received["/afterimage/loudness"], received["/afterimage/beat"]);
  EXPECT_GT(received["/afterimage/bands"], 100);
  // Both each hop (UDP on a loaded machine may drop the odd datagram).
  EXPECT_NEAR(received["/afterimage/tempo"], received["/afterimage/bands"], received["/afterimage/bands"] / 100);
  EXPECT_GT(received["/afterimage/beat"], 3) << "the demo track's beats were not sent";

  auto picture = image::readPng((dir / "output.png").string());
  double centre = ui::testing::brightest(picture, 220, 740);
  std::printf("output centre brightest %.3f after brightness 0\n", centre);
  EXPECT_LT(centre, 0.02) << "brightness 0 sent over OSC did not darken the output";
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace afterimage::control
