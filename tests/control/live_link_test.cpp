// `afterimage live --link` under Xvfb with a Link peer in the test: led,
// the peer's session takes the demo track's detected tempo (124 BPM);
// followed, live mode's beat clock takes the peer's 97 BPM, as its OSC out
// says.
#include <gtest/gtest.h>
#include <lo/lo.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../ui/virtual_display.h"
#include "control/link_session.h"
#include "control/osc_argument.h"
#include "tests/support/run_command.h"

namespace afterimage::control {
namespace {

namespace fs = std::filesystem;

class LiveLink : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ui::testing::VirtualDisplay::available()) GTEST_SKIP() << "Xvfb is not installed (./afterimage.sh test installs it)";
    display_ = std::make_unique<ui::testing::VirtualDisplay>();
    dir_ = fs::temp_directory_path() / ("afterimage_live_link_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    track_ = (dir_ / "track.wav").string(), set_ = (dir_ / "link.toml").string();
    ASSERT_EQ(afterimage::testing::runCommand({AFTERIMAGE_BINARY, "demo-track", "-o", track_}).exitCode, 0);
    std::ofstream(set_) << "model = \"" AFTERIMAGE_SOURCE_DIR "/tests/golden/models/tiny_pipeline\"\n"
                           "size = [64, 64]\nfps = 15\n\n[[scene]]\nprompt = \"a misty forest\"\n";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  // Live mode in the background for `seconds`, while `during` runs here until it ends.
  afterimage::testing::CommandResult live(const std::string& mode, double seconds, const std::vector<std::string>& extra,
                                          const std::function<void()>& during) {
    const char* gpu = std::getenv("AFTERIMAGE_GPU");
    std::vector<std::string> argv = {AFTERIMAGE_BINARY, "live", "--set", set_, "--audio-file", track_, "--size", "64x64",
                                     "--seconds", std::to_string(seconds), "--link", mode};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::atomic<bool> done{false};
    afterimage::testing::CommandResult result{};
    std::thread run([&] {
      result = afterimage::testing::runCommand(
          argv, true, {{"DISPLAY", display_->name()}, {"AFTERIMAGE_GPU", gpu && *gpu ? gpu : "llvmpipe"}});
      done = true;
    });
    while (!done) during();
    run.join();
    return result;
  }

  std::unique_ptr<ui::testing::VirtualDisplay> display_;
  fs::path dir_;
  std::string track_, set_;
};

TEST_F(LiveLink, LeadingTheSessionTakesTheDetectedTempo) {
  LinkSession peer(97);
  double lastBpm = 0;
  size_t peers = 0;
  auto result = live("lead", 10, {}, [&] {
    lastBpm = peer.grid(peer.now()).bpm;
    peers = std::max(peers, peer.peers());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  ASSERT_EQ(result.exitCode, 0) << result.output;
  std::printf("the peer's session ended at %.2f BPM\n", lastBpm);
  EXPECT_GE(peers, 1u) << result.output;
  EXPECT_NEAR(lastBpm, 124, 1.0) << "the demo track's 124 BPM was not published";
  EXPECT_NE(result.output.find("Link: lead, 1 peer"), std::string::npos) << result.output;
}

int lastTempo(const char*, const char* types, lo_arg** argv, int argc, lo_message, void* bpm) {
  if (argc >= 1 && types[0] == LO_FLOAT) *static_cast<float*>(bpm) = float(*oscNumber(types[0], argv[0]));
  return 0;
}

TEST_F(LiveLink, FollowingTheSessionDrivesTheBeatClock) {
  LinkSession peer(120);
  lo_server receiver = lo_server_new_with_proto(nullptr, LO_UDP, nullptr);
  ASSERT_NE(receiver, nullptr);
  float bpm = 0;
  lo_server_add_method(receiver, "/afterimage/tempo", nullptr, lastTempo, &bpm);
  std::string to = "127.0.0.1:" + std::to_string(lo_server_get_port(receiver));
  auto result = live("follow", 8, {"--osc-send", to}, [&] {
    peer.lead(97, peer.now() + 0.1);
    lo_server_recv_noblock(receiver, 20);
  });
  lo_server_free(receiver);
  ASSERT_EQ(result.exitCode, 0) << result.output;
  std::printf("live mode's tempo at the end: %.3f BPM\n", bpm);
  EXPECT_NEAR(bpm, 97, 0.01) << "the beat clock did not follow the Link session";
  EXPECT_NE(result.output.find("Link: follow, 1 peer"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace afterimage::control
