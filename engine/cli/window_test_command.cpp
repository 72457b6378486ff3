// `afterimage window-test`: opens the live show's output window and control
// panel and feeds them a moving test pattern computed on the CPU (not the
// show: it stands in for the generator to test presentation), with audio
// features from a synthetic 120 BPM clock. Prints the presented frame rate;
// --screenshots writes what both windows presented, for the tests.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/gpu/context.h"
#include "ui/glfw.h"
#include "ui/presenter.h"
#include "ui/test_pattern.h"
#include "ui/venue_windows.h"
#include "ui/window_system.h"

namespace afterimage::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The generator's stand-in: its own thread, its own rate, never waited for.
class TestPatternSource {
 public:
  TestPatternSource(ui::FrameMailbox& mailbox, ImageSize size, double fps)
      : thread_([this, &mailbox, size, fps] { run(mailbox, size, fps); }) {}
  ~TestPatternSource() {
    stop_ = true;
    thread_.join();
  }
  double lastMilliseconds() const { return lastMilliseconds_.load(); }
  uint64_t frames() const { return frames_.load(); }

 private:
  void run(ui::FrameMailbox& mailbox, ImageSize size, double fps) {
    auto start = Clock::now();
    auto next = start;
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / fps));
    for (uint64_t index = 0; !stop_; ++index) {
      auto begin = Clock::now();
      double seconds = std::chrono::duration<double>(begin - start).count();
      ui::drawTestPattern(mailbox.writeSlot(), size.width, size.height, seconds, index);
      mailbox.publish();
      lastMilliseconds_ = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
      ++frames_;
      next += period;
      if (next < Clock::now()) next = Clock::now();  // too slow: no catching up
      std::this_thread::sleep_until(next);
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<double> lastMilliseconds_{0};
  std::atomic<uint64_t> frames_{0};
  std::thread thread_;
};

audio::FeatureSnapshot syntheticFeatures(double seconds) {
  constexpr double kBpm = 120;
  audio::FeatureSnapshot f;
  f.time = seconds;
  double beats = seconds * kBpm / 60;
  f.bpm = float(kBpm);
  f.confidence = 0.8f;
  f.beatPhase = float(beats - std::floor(beats));
  f.beatsPerBar = 4;
  f.beatInBar = int(std::floor(beats)) % 4;
  f.beat = f.beatPhase < 0.05f;
  f.nextBeatTime = (std::floor(beats) + 1) * 60 / kBpm;
  float kick = std::exp(-6.0f * f.beatPhase);
  f.bands = {1.5f * kick, 0.8f + 0.6f * kick, 1.0f + 0.3f * float(std::sin(seconds * 3.1)),
             0.7f + 0.4f * float(std::sin(seconds * 7.3))};
  f.loudness = 0.6f + 0.8f * kick;
  f.onset = f.beat;
  return f;
}

}  // namespace

int runWindowTest(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"monitor", "seconds", "rate", "size", "crossfade", "screenshots", "resize", "outputs"},
                 {"fullscreen", "validation", "list-monitors", "calibrate"});
  int monitor = args.integer("monitor", 0);
  double seconds = args.number("seconds", 0);  // 0: until a window is closed
  double rate = args.number("rate", 15);
  if (rate <= 0 || rate > 1000) throw UsageError("--rate must be in (0, 1000] frames per second");
  ImageSize size = parseImageSize(args.value("size", "640x360"), "--size");
  std::string screenshots = args.value("screenshots", "");
  // Resizes the output window halfway through: exercises swapchain rebuilds.
  ImageSize resize;  // 0x0: no resize
  if (auto text = args.value("resize")) resize = parseImageSize(*text, "--resize");

  ui::WindowSystem windows;
  auto monitors = windows.monitors();
  std::printf("monitors:\n");
  for (const auto& m : monitors) std::printf("  %s\n", ui::describeMonitor(m).c_str());
  if (monitors.empty()) std::printf("  none reported\n");
  if (args.flag("list-monitors")) return 0;
  if (args.flag("fullscreen") && (monitor < 0 || monitor >= int(monitors.size())))
    throw UsageError("--monitor " + std::to_string(monitor) + ": there are " + std::to_string(monitors.size()) +
                     " monitors");

  gpu::ContextOptions options;
  options.validation = args.flag("validation");
  options.windowExtensions = windows.vulkanInstanceExtensions();
  gpu::Context context(options);
  std::printf("device: %s (%s)\n", context.info().name.c_str(), context.info().type.c_str());

  ui::FrameMailbox mailbox;
  ui::PresenterOptions presenterOptions;
  ui::Venue venue = ui::Venue::single();
  if (auto file = args.value("outputs")) {
    venue = ui::loadVenue(*file);
    std::vector<std::string> problems;
    presenterOptions = ui::presenterOptionsFor(venue, monitors, "Afterimage: test pattern", *file, problems);
    for (const auto& problem : problems) std::fprintf(stderr, "window-test: %s\n", problem.c_str());
  } else {
    presenterOptions.output.monitor = args.flag("fullscreen") ? monitor : -1;
    presenterOptions.output.title = "Afterimage: test pattern";
  }
  ui::Presenter presenter(context, mailbox, presenterOptions);
  if (!args.flag("fullscreen") && args.value("monitor")) {
    // Windowed on the chosen monitor: near its top left corner.
    if (monitor < 0 || monitor >= int(monitors.size()))
      throw UsageError("--monitor " + std::to_string(monitor) + ": there are " + std::to_string(monitors.size()) +
                       " monitors");
    glfwSetWindowPos(presenter.output().window(), monitors[monitor].x + 40, monitors[monitor].y + 40);
  }
  ui::ControlState state;
  state.outputMonitor = presenterOptions.output.monitor;
  state.venue = venue;
  state.calibrate = args.flag("calibrate");
  state.crossfadeSeconds = float(args.number("crossfade", 0.1));
  ui::PanelModel model;
  model.audioSource = "synthetic 120 BPM clock";
  model.audioLive = true;
  model.sceneNames = {"test pattern", "plasma", "disc"};
  model.activeScene = 0;
  model.status = "window-test: a CPU test pattern stands in for the generator";

  if (!screenshots.empty()) std::filesystem::create_directories(screenshots);
  // Two read-backs of each window, at 40% and 90% of the run: the tests
  // compare them to see the picture move.
  const double captureAt[2] = {0.4 * seconds, 0.9 * seconds};
  int capturesTaken = 0;

  TestPatternSource source(mailbox, size, rate);
  auto start = Clock::now();
  double lastReport = 0;
  for (;;) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (seconds > 0 && elapsed >= seconds) break;
    if (!screenshots.empty() && seconds > 0 && capturesTaken < 2 && elapsed >= captureAt[capturesTaken] &&
        !presenter.capturing()) {
      ++capturesTaken;
      std::string n = std::to_string(capturesTaken);
      presenter.capture({screenshots + "/output-" + n + ".png", screenshots + "/panel-" + n + ".png"});
    }
    model.features = syntheticFeatures(elapsed);
    model.generatedFps = rate;
    model.stages = {{"test pattern (CPU)", source.lastMilliseconds()},
                    {"upload to the GPU (CPU)", presenter.stats().uploadMilliseconds}};
    if (resize.width && elapsed >= seconds / 2) {
      glfwSetWindowSize(presenter.output().window(), int(resize.width), int(resize.height));
      resize = {};
    }
    for (const auto& event : state.events)
      if (event.kind == ui::ControlEvent::Kind::Cue && event.scene < int(model.sceneNames.size()))
        model.activeScene = event.scene;
    state.events.clear();
    if (!presenter.step(model, state)) break;
    if (elapsed - lastReport >= 1.0) {
      const auto& stats = presenter.stats();
      std::printf("t=%.0fs presented %.1f fps, new frames %.1f/s, panel %.1f fps\n", elapsed, stats.presentedFps,
                  stats.newFramesFps, stats.panelFps);
      std::fflush(stdout);
      lastReport = elapsed;
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const auto& stats = presenter.stats();
  std::printf("presented %llu frames in %.2f s: %.1f fps; %llu new frames shown of %llu generated at %.1f fps\n",
              static_cast<unsigned long long>(stats.framesPresented), elapsed, stats.framesPresented / elapsed,
              static_cast<unsigned long long>(stats.framesTaken), static_cast<unsigned long long>(source.frames()),
              rate);
  std::printf("output swapchain rebuilds: %llu\n",
              static_cast<unsigned long long>(presenter.output().swapchain().rebuilds()));
  if (!screenshots.empty() && (capturesTaken < 2 || presenter.capturing()))
    throw std::runtime_error("window-test: the screenshots were not all taken (run for longer with --seconds)");
  if (options.validation && context.instance().validationErrorCount()) {
    std::fprintf(stderr, "window-test: %llu Vulkan validation errors, last: %s\n",
                 static_cast<unsigned long long>(context.instance().validationErrorCount()),
                 context.instance().lastValidationError().c_str());
    return 1;
  }
  return 0;
}

}  // namespace afterimage::cli
