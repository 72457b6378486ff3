// CaptureSource and LiveAnalysis with a fake input stream that can be
// unplugged: the failure is reported, nothing blocks, features decay to
// rest, and capture resumes when the device is back. A real PortAudio open
// of a device that does not exist reports its name.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "audio/capture_source.h"
#include "audio/live_analysis.h"

namespace afterimage::audio {
namespace {

using namespace std::chrono_literals;

// A device that streams a 220 Hz tone in 5 ms blocks from its own thread
// while `plugged`; unplugging stops the stream and refuses reopening.
struct FakeDevice {
  std::atomic<bool> plugged{true};
  std::atomic<int> opens{0};

  class Stream : public InputStream {
   public:
    Stream(FakeDevice& device, RingBuffer& ring) : device_(device) {
      thread_ = std::thread([this, &ring] {
        std::vector<float> block(240);
        while (!stop_ && device_.plugged) {
          for (float& v : block) v = 0.3f * float(std::sin(phase_)), phase_ += 2 * M_PI * 220 / 48000;
          ring.write(block.data(), block.size());
          std::this_thread::sleep_for(5ms);
        }
        active_ = false;
      });
    }
    ~Stream() override {
      stop_ = true;
      thread_.join();
    }
    bool active() const override { return active_; }
    int sampleRate() const override { return 48000; }
    std::string name() const override { return "fake device"; }

   private:
    FakeDevice& device_;
    std::atomic<bool> stop_{false}, active_{true};
    double phase_ = 0;
    std::thread thread_;
  };

  StreamOpener opener() {
    return [this](const CaptureOptions&, RingBuffer& ring, std::string* error) -> std::unique_ptr<InputStream> {
      if (!plugged) {
        *error = "fake device: not connected";
        return nullptr;
      }
      opens++;
      return std::make_unique<Stream>(*this, ring);
    };
  }
};

template <typename F>
bool waitFor(F condition, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

TEST(Capture, UnpluggedDeviceIsReportedFeaturesDecayAndCaptureResumes) {
  FakeDevice device;
  CaptureOptions options;
  options.retrySeconds = 0.05;
  options.stallSeconds = 0.1;
  CaptureSource capture(options, device.opener());
  AnalyzerOptions analysis;
  analysis.sampleRate = 48000;
  LiveAnalysis live([&](float* out, size_t n) { return capture.read(out, n); }, analysis);

  ASSERT_TRUE(waitFor([&] { return live.latest().loudness > 0.5f; }, 2000ms)) << "no features from the live source";
  EXPECT_TRUE(capture.status().running);
  EXPECT_EQ(capture.status().device, "fake device");

  device.plugged = false;
  ASSERT_TRUE(waitFor([&] { return !capture.status().running; }, 1000ms)) << "the failure was not noticed";
  EXPECT_FALSE(capture.status().error.empty());
  // Snapshots keep coming (silence at the real-time pace) and decay to rest.
  uint64_t before = live.hops();
  ASSERT_TRUE(waitFor([&] { return live.latest().loudness < 0.01f; }, 1000ms)) << "features did not decay";
  EXPECT_GT(live.hops(), before);
  EXPECT_GT(live.silentHops(), 0u);

  device.plugged = true;
  ASSERT_TRUE(waitFor([&] { return capture.status().running; }, 1000ms)) << "capture did not resume";
  EXPECT_GE(capture.status().starts, 2);
  EXPECT_TRUE(capture.status().error.empty());
  EXPECT_TRUE(waitFor([&] { return live.latest().loudness > 0.5f; }, 2000ms)) << "features did not come back";
}

TEST(Capture, MissingPortAudioDeviceIsReportedByNameWithoutBlocking) {
  CaptureOptions options;
  options.device = "no-such-microphone-42";
  options.retrySeconds = 0.05;
  auto start = std::chrono::steady_clock::now();
  {
    CaptureSource capture(options);
    ASSERT_TRUE(waitFor([&] { return !capture.status().error.empty(); }, 5000ms));
    EXPECT_FALSE(capture.status().running);
    EXPECT_NE(capture.status().error.find("no-such-microphone-42"), std::string::npos) << capture.status().error;
    float buffer[64];
    EXPECT_EQ(capture.read(buffer, 64), 0u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << "closing waited too long";
}

}  // namespace
}  // namespace afterimage::audio
