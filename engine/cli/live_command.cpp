// `afterimage live`: the show. The output window (fullscreen on the
// projector with --fullscreen --monitor N) and the control panel on the
// main thread, presenting at the display's rate; the generator on its own
// thread (live_generator.h) running the set through the same Show as
// `render`; the analyzer on its own, fed by a capture device or a track
// (live_audio.h). The set file is watched: a good edit is picked up between
// frames, a broken one keeps the last good set and shows why. The panel's
// edits of the set go through set_edit.h and "Save set" writes them back.
// --outputs VENUE.toml opens one output window per projector (ui/venue.h);
// --record and --stream send the picture to ffmpeg (live_video_out.h).
// --seconds and --screenshot-dir are for tests: run that long, then write
// what each window presents as PNG.
// A lost GPU (gpu::DeviceLost from the generator or the presenter) does not
// end the show: the Vulkan part (context, show, generator thread, the
// windows' swapchains) is destroyed and built again, retried every second,
// while the windows, audio, set and the mailbox's last frame stay.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "audio/live_analysis.h"
#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/cli/live_audio.h"
#include "engine/cli/live_control.h"
#include "engine/cli/live_generator.h"
#include "engine/cli/live_stats.h"
#include "engine/cli/live_video_out.h"
#include "engine/gpu/context.h"
#include "engine/gpu/gpu_error.h"
#include "engine/pipeline/default_model.h"
#include "engine/pipeline/set_edit.h"
#include "engine/pipeline/set_file.h"
#include "engine/pipeline/set_watcher.h"
#include "engine/pipeline/show.h"
#include "ui/glfw.h"
#include "ui/presenter.h"
#include "ui/frame_times.h"
#include "ui/venue_windows.h"
#include "ui/window_system.h"

namespace afterimage::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// What the panel shows of the set and edits.
ui::SetView setView(const pipeline::Set& set, const std::string& file) {
  ui::SetView view;
  view.file = file;
  for (const auto& scene : set.scenes) view.scenePrompts.push_back(pipeline::scenePromptMix(scene));
  for (int i = 0; i < int(set.mappings.size()); ++i)
    view.mappings.push_back({pipeline::describeMapping(set.mappings[size_t(i)]), -1, i, set.mappings[size_t(i)].gain});
  for (int s = 0; s < int(set.scenes.size()); ++s) {
    const auto& mappings = set.scenes[size_t(s)].mappings;
    for (int i = 0; i < int(mappings.size()); ++i)
      view.mappings.push_back({set.scenes[size_t(s)].name + ": " + pipeline::describeMapping(mappings[size_t(i)]), s, i,
                               mappings[size_t(i)].gain});
  }
  return view;
}

// The show's state changes, one line each on stdout with the counts so far
// (the tests read them), errors on stderr too.
class EventLog {
 public:
  EventLog(const ui::Presenter& presenter, std::function<uint64_t()> generated, Clock::time_point start)
      : presenter_(presenter), generated_(std::move(generated)), start_(start) {}
  void operator()(const std::string& what, bool error = false) const {
    double t = std::chrono::duration<double>(Clock::now() - start_).count();
    std::printf("live: t=%.2fs presented=%llu generated=%llu: %s\n", t,
                static_cast<unsigned long long>(presenter_.stats().framesPresented),
                static_cast<unsigned long long>(generated_()), what.c_str());
    std::fflush(stdout);
    if (error) std::fprintf(stderr, "afterimage live: %s\n", what.c_str());
  }

 private:
  const ui::Presenter& presenter_;
  std::function<uint64_t()> generated_;  // over all generator threads
  Clock::time_point start_;
};

}  // namespace

int runLive(const CommandArgs& rawArgs) {
  Arguments args(rawArgs,
                 {"set", "input", "audio-file", "audio-output", "monitor", "size", "seconds", "screenshot-dir",
                  "model", "tae", "crossfade", "stats", "outputs", "record", "record-fps", "stream", "osc-port",
                  "osc-send", "link"},
                 {"fullscreen", "validation", "calibrate"});
  if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
  if (args.value("input") && args.value("audio-file")) throw UsageError("give --input or --audio-file, not both");
  double seconds = args.number("seconds", 0);  // 0: until a window is closed
  if (seconds < 0) throw UsageError("--seconds must be >= 0");
  ImageSize size;
  if (auto text = args.value("size")) size = parseImageSize(*text, "--size");
  std::string screenshots = args.value("screenshot-dir", "");
  int monitor = args.integer("monitor", 0);
  // Opened first: an unwritable path is reported before the model loads.
  std::unique_ptr<LiveStatsFile> statsFile;
  if (auto path = args.value("stats")) statsFile = std::make_unique<LiveStatsFile>(*path);

  if (args.value("outputs") && (args.flag("fullscreen") || args.value("monitor")))
    throw UsageError("--outputs gives each output its monitor: leave out --fullscreen and --monitor");
  LiveVideoOutOptions videoOut{args.value("record", ""), args.value("stream", ""), args.number("record-fps", 30)};
  LiveVideoOut::check(videoOut);

  std::string setPath = args.value("set") ? *args.value("set") : pipeline::defaultSetFile();
  // Every reload is checked against the model the show starts with (it keeps it until a restart).
  pipeline::SetWatcher watcher(setPath, pipeline::limitsOfFirstSetModel(args.value("model", ""), args.value("tae", "")));
  if (!watcher.current()) throw std::runtime_error(watcher.error());

  ui::WindowSystem windows;
  auto monitors = windows.monitors();
  if ((args.flag("fullscreen") || args.value("monitor")) && (monitor < 0 || monitor >= int(monitors.size())))
    throw UsageError("--monitor " + std::to_string(monitor) + ": there are " + std::to_string(monitors.size()) +
                     " monitors (see `afterimage window-test --list-monitors`)");
  gpu::ContextOptions options;
  options.validation = args.flag("validation");
  options.windowExtensions = windows.vulkanInstanceExtensions();
  // The Vulkan part, rebuilt after a lost device (see rebuildGpu below).
  auto context = std::make_unique<gpu::Context>(options);
  std::printf("device: %s (%s)\n", context->info().name.c_str(), context->info().type.c_str());

  pipeline::ShowOptions showOptions;
  showOptions.modelDir = args.value("model", "");
  showOptions.taeDir = args.value("tae", "");
  showOptions.width = size.width, showOptions.height = size.height;
  std::shared_ptr<const pipeline::Set> firstSet = watcher.current();
  const pipeline::Set& first = *firstSet;
  auto show = std::make_unique<pipeline::Show>(*context, firstSet, showOptions);
  std::printf("set: %s (%s), model %s, %ux%u, %d step%s\n", first.name.c_str(), setPath.c_str(),
              show->modelFolder().c_str(), show->generator().width(), show->generator().height(), first.steps,
              first.steps == 1 ? "" : "s");

  // After the model has loaded, so that the sound starts with the show.
  LiveAudioOptions audioOptions;
  audioOptions.input = args.value("input", "");
  audioOptions.file = args.value("audio-file", "");
  audioOptions.output = args.value("audio-output", "");
  if (const char* unplug = std::getenv("AFTERIMAGE_TEST_UNPLUG_AFTER")) audioOptions.unplugAfter = std::atof(unplug);
  LiveAudio sound(audioOptions);
  audio::AnalyzerOptions analysis;
  analysis.sampleRate = sound.sampleRate();
  // What the analyzer hears is also what a recording keeps.
  ui::AudioTap audioTap(sound.sampleRate());
  audio::LiveAnalysis analyzer(
      [&sound, &audioTap](float* out, size_t n) {
        size_t got = sound.read(out, n);
        audioTap.push(out, got);
        return got;
      },
      analysis);
  LiveControl control(liveControlOptions(args), analyzer);

  ui::FrameMailbox mailbox;
  ui::PresenterOptions presenterOptions;
  std::string venueFile = args.value("outputs", "");
  ui::Venue venue = ui::Venue::single();
  std::vector<std::string> venueProblems;
  if (!venueFile.empty()) {
    venue = ui::loadVenue(venueFile);
    presenterOptions = ui::presenterOptionsFor(venue, monitors, "Afterimage: " + first.name, venueFile, venueProblems);
  } else {
    presenterOptions.output.monitor = args.flag("fullscreen") ? monitor : -1;
    presenterOptions.output.title = "Afterimage: " + first.name;
  }
  presenterOptions.panelHeight = 800;  // room for the set's prompts and gains
  ui::Presenter presenter(*context, mailbox, presenterOptions);
  if (venueFile.empty() && !args.flag("fullscreen") && args.value("monitor"))
    glfwSetWindowPos(presenter.output().window(), monitors[size_t(monitor)].x + 40, monitors[size_t(monitor)].y + 40);
  ui::ControlState state;
  state.outputMonitor = presenterOptions.output.monitor;
  state.venue = venue;
  state.calibrate = args.flag("calibrate");
  state.crossfadeSeconds = float(args.number("crossfade", 0.1));
  ui::PanelModel model;

  auto start = Clock::now();
  std::unique_ptr<LiveGenerator> generator;
  auto startGenerator = [&] {
    // Where the presenter shares the queue (lavapipe), the frame's replay goes
    // in segments (gpu::CommandSequence), so the generator need not rest.
    generator = std::make_unique<LiveGenerator>(*show, analyzer, watcher, mailbox, first.fps);
  };
  startGenerator();
  uint64_t generatedBefore = 0;  // by the generator threads before the last rebuild
  EventLog log(presenter, [&] { return generatedBefore + (generator ? generator->frames() : 0); }, start);
  for (const auto& problem : venueProblems) log(problem, true);
  if (!venueFile.empty())
    log("outputs: " + std::to_string(venue.outputs.size()) + " from " + venueFile);

  // After a lost device: everything Vulkan goes, in order (nothing but
  // destruction touches the lost device), the windows stay.
  uint64_t validationErrors = 0;
  std::string lastValidationError;
  auto tearDownGpu = [&] {
    if (generator) generatedBefore += generator->frames();
    generator.reset();  // joins the thread
    presenter.releaseGpu();
    show.reset();
    if (context && context->instance().validationErrorCount()) {
      validationErrors += context->instance().validationErrorCount();
      lastValidationError = context->instance().lastValidationError();
    }
    context.reset();
  };
  // Builds the Vulkan part again on a new context, every second until it
  // works, keeping the windows responsive; false when a window was closed
  // (or --seconds ran out) first.
  auto rebuildGpu = [&]() -> bool {
    std::string lastError;
    for (;;) {
      try {
        context = std::make_unique<gpu::Context>(options);
        show = std::make_unique<pipeline::Show>(*context, watcher.current(), showOptions);
        presenter.attachGpu(*context);  // shows the last frame taken again first
        startGenerator();
        return true;
      } catch (const std::exception& e) {
        tearDownGpu();
        if (e.what() != lastError) {
          lastError = e.what();
          log("GPU not back yet (retrying every second): " + lastError, true);
        }
      }
      for (auto until = Clock::now() + std::chrono::seconds(1); Clock::now() < until;) {
        if (!presenter.pollEvents(state)) return false;
        if (seconds > 0 && std::chrono::duration<double>(Clock::now() - start).count() >= seconds) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  };
  if (!screenshots.empty()) std::filesystem::create_directories(screenshots);

  // Recording (--record, the panel's button, Ctrl+R) and streaming.
  LiveVideoOut videoOuts(videoOut, audioTap, [&log](const std::string& what, bool error) { log(what, error); });
  presenter.setFrameListener([&](const ui::HostFrame* frame, double taken, float brightness, double now) {
    videoOuts.offer(frame, taken, state.crossfadeSeconds, brightness, now);
  });
  // The presenter's frame times (between presented frames), for the
  // figure of what recording costs it.
  ui::FrameTimes frameTimes;

  uint64_t viewVersion = 0;
  bool unsaved = false;
  std::string setMessage, setError, audioProblem = "-", generatorError, generatorNote, lostReason;
  LiveGeneratorStats stats;
  double lastPoll = -1, lastStats = -1, lastReport = 0, lastControlPoll = -1;
  for (;;) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (seconds > 0 && elapsed >= seconds) break;

    // A lost GPU, seen by the generator (or the presenter, below).
    if (generator->lost()) lostReason = generator->lostError();
    if (!lostReason.empty()) {
      log("the GPU was lost (driver reset or removed): " + lostReason + "; recreating the Vulkan context", true);
      lostReason.clear();
      tearDownGpu();
      if (!rebuildGpu()) break;
      log("GPU recreated on " + context->info().name + ", the show goes on");
      continue;
    }

    // The set file: hot reload, and the panel's view of the set.
    if (elapsed - lastPoll >= 0.25) {
      lastPoll = elapsed;
      if (watcher.poll()) {
        unsaved = false;
        setMessage.clear();
        log("set reloaded from " + setPath);
      }
      std::string error = watcher.error();
      if (error != setError) {
        setError = error;
        if (!error.empty()) log("set error (keeping the last good set): " + error, true);
      }
    }
    if (watcher.version() != viewVersion) {
      viewVersion = watcher.version();
      auto set = watcher.current();
      model.sceneNames.clear();
      for (const auto& scene : set->scenes) model.sceneNames.push_back(scene.name);
      model.set = setView(*set, setPath);
    }
    model.set.unsaved = unsaved;
    model.outputs.venueFile = venueFile;
    model.set.message = setMessage;

    // Audio.
    LiveAudioStatus audioStatus = sound.status();
    if (audioStatus.problem != audioProblem) {
      audioProblem = audioStatus.problem;
      log("audio: " + audioStatus.source + (audioProblem.empty() ? ": live" : ": " + audioProblem));
    }
    model.features = analyzer.latest();
    model.audioLive = audioStatus.live;
    model.audioSource = audioStatus.source + (audioProblem.empty() ? "" : " - " + audioProblem);

    // The generator, four times a second (its stage list allocates).
    if (elapsed - lastStats >= 0.25) {
      lastStats = elapsed;
      stats = generator->stats();
      if (stats.error != generatorError) {
        generatorError = stats.error;
        log(generatorError.empty() ? "generator: frames again" : generatorError);
      }
      if (stats.note != generatorNote) {
        generatorNote = stats.note;
        if (!generatorNote.empty()) log(generatorNote);
      }
      model.generatedFps = stats.fps;
      model.pictureLatencyFrames = stats.pictureLatencyFrames;
      model.stages = stats.stages;
      model.activeScene = stats.scene;
      model.pendingScene = stats.pendingScene;
    }
    model.status = !setError.empty()         ? firstLine(setError) + " (keeping the last good set)"
                   : !generatorError.empty() ? generatorError
                                             : generatorNote;

    // OSC, MIDI and Link: their actions, as the panel's, between frames;
    // their settings and status four times a second.
    if (elapsed - lastControlPoll >= 0.25) {
      lastControlPoll = elapsed;
      control.poll(*watcher.current(), elapsed);
      for (const std::string& news : control.takeNews()) log(news);
      model.control = control.view();
    }
    if (control.apply({watcher, *generator, state, model.activeScene}, setMessage)) unsaved = true;

    // The operator's events.
    for (const auto& event : state.events) {
      using Kind = ui::ControlEvent::Kind;
      try {
        switch (event.kind) {
          case Kind::Tap: analyzer.tap(); break;
          case Kind::Cue: generator->cue(event.scene); break;
          case Kind::MappingGain:
            watcher.replace(pipeline::withMappingGain(*watcher.current(), event.scene, event.mapping, event.value));
            unsaved = true, setMessage.clear();
            break;
          case Kind::ScenePrompts:
            watcher.replace(pipeline::withScenePrompts(*watcher.current(), event.scene, event.text));
            unsaved = true, setMessage.clear();
            log("scene " + std::to_string(event.scene + 1) + " prompts: " + event.text);
            break;
          case Kind::SaveVenue:
            if (venueFile.empty()) break;
            try {
              ui::saveVenue(state.venue, venueFile);
              model.outputs.venueMessage = "saved";
              log("venue saved to " + venueFile);
            } catch (const std::exception& e) {
              model.outputs.venueMessage = firstLine(e.what());
              log("venue not saved: " + model.outputs.venueMessage, true);
            }
            break;
          case Kind::ToggleRecording: videoOuts.toggleRecording(); break;
          case Kind::AvOffset:
            watcher.replace(pipeline::withAvOffset(*watcher.current(), event.value));
            unsaved = true, setMessage.clear();
            break;
          case Kind::MidiLearn: control.learn(event.text); break;
          case Kind::SaveSet:
            watcher.save();
            unsaved = false;
            setMessage = "saved";
            setError.clear();
            log("set saved to " + setPath);
            break;
        }
      } catch (const std::exception& e) {
        setMessage = firstLine(e.what());
        log(setMessage, true);
      }
    }
    state.events.clear();

    try {
      if (!presenter.step(model, state)) break;
    } catch (const gpu::DeviceLost& e) {
      lostReason = e.what();
      continue;
    }
    frameTimes.step(presenter.stats().framesPresented, std::chrono::duration<double>(Clock::now() - start).count());
    videoOuts.poll(model.outputs);
    if (statsFile)
      statsFile->step(std::chrono::duration<double>(Clock::now() - start).count(), presenter.stats().framesPresented,
                      generatedBefore + generator->frames(), presenter.stats().framesTaken);
    if (elapsed - lastReport >= 1.0) {
      const auto& p = presenter.stats();
      std::printf("t=%.0fs presented %.1f fps, new frames %.1f/s, generated %.1f fps, scene %d\n", elapsed,
                  p.presentedFps, p.newFramesFps, stats.fps, stats.scene + 1);
      std::fflush(stdout);
      lastReport = elapsed;
    }
  }

  // The windows as they are at the end, for the tests.
  if (!screenshots.empty() && !state.quit && context) {
    presenter.capture({screenshots + "/output.png", screenshots + "/panel.png"});
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (presenter.capturing() && Clock::now() < deadline && presenter.step(model, state)) {}
    if (presenter.capturing()) std::fprintf(stderr, "afterimage live: the screenshots were not all taken\n");
    else std::printf("screenshots: %s/output.png, %s/panel.png\n", screenshots.c_str(), screenshots.c_str());
  }
  // Recordings end with the show: each is finished (muxed, in place) here.
  double stopping = std::chrono::duration<double>(Clock::now() - start).count();
  videoOuts.finish();
  std::printf("presenter frame time: mean %.2f ms, p95 %.2f ms over %llu frames\n", frameTimes.meanMilliseconds(),
              frameTimes.percentileMilliseconds(0.95), static_cast<unsigned long long>(frameTimes.count()));
  double elapsed = stopping;
  const auto& p = presenter.stats();
  uint64_t generated = generatedBefore + (generator ? generator->frames() : 0);
  std::printf("presented %llu frames in %.2f s: %.1f fps; generated %llu frames: %.1f fps; %llu new frames shown\n",
              static_cast<unsigned long long>(p.framesPresented), elapsed, p.framesPresented / elapsed,
              static_cast<unsigned long long>(generated), generated / elapsed,
              static_cast<unsigned long long>(p.framesTaken));
  std::fflush(stdout);
  if (!screenshots.empty() && presenter.capturing()) return 1;
  if (context && context->instance().validationErrorCount()) {
    validationErrors += context->instance().validationErrorCount();
    lastValidationError = context->instance().lastValidationError();
  }
  if (options.validation && validationErrors) {
    std::fprintf(stderr, "afterimage live: %llu Vulkan validation errors, last: %s\n",
                 static_cast<unsigned long long>(validationErrors), lastValidationError.c_str());
    return 1;
  }
  return 0;
}

}  // namespace afterimage::cli
