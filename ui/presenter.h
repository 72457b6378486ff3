// The live show's windows on the main thread: the output windows (one, or
// one per output of the venue file) and the control panel, the keyboard shortcuts of both, and the link to the
// generator, a FrameMailbox. Each step() polls window events, takes the
// newest generated frame if there is one (never waiting for it), and draws
// both windows; FIFO presentation paces the loop at the display's rate.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/gpu/context.h"
#include "ui/control_panel_window.h"
#include "ui/control_state.h"
#include "ui/frame_mailbox.h"
#include "ui/output_window.h"

namespace afterimage::ui {

struct PresenterOptions {
  OutputWindowOptions output;
  std::vector<OutputWindowOptions> moreOutputs;  // the venue's second, third... outputs
  int panelWidth = 460, panelHeight = 640;
};

// Read-backs of what the windows present in this step, as PNG (tests).
// The second output's goes beside the first's as NAME-2.png, and so on.
struct Captures {
  std::string output, panel;
};

std::string outputCapturePath(const std::string& first, size_t index);

class Presenter {
 public:
  Presenter(gpu::Context& context, FrameMailbox& frames, const PresenterOptions& options);
  ~Presenter();
  Presenter(const Presenter&) = delete;
  Presenter& operator=(const Presenter&) = delete;

  // One turn of the main loop. Fills model.presenter and model.monitors,
  // applies and records the operator's edits in `state`. Returns false once
  // a window was closed or state.quit is set.
  bool step(PanelModel& model, ControlState& state);

  // Reads back the next picture each window presents (from a later step)
  // and writes it as PNG; an empty path asks nothing of that window.
  void capture(const Captures& captures);
  bool capturing() const;

  // After a device loss: releaseGpu() destroys both windows' Vulkan objects
  // (the windows stay), attachGpu() makes them on a new context and shows
  // the last frame taken from the mailbox again first. Between the two,
  // pollEvents() keeps the windows responsive; it returns false once one
  // was closed.
  void releaseGpu();
  void attachGpu(gpu::Context& context);
  bool pollEvents(ControlState& state);

  const PresenterStats& stats() const { return stats_; }
  OutputWindow& output(size_t index = 0) { return *outputs_[index]; }
  size_t outputCount() const { return outputs_.size(); }
  // Called once per presented step with the frame on show (null before the
  // first), when it was taken, and the first output's brightness: recording
  // and streaming take it from here, never waiting.
  using FrameListener = std::function<void(const HostFrame*, double taken, float brightness, double now)>;
  void setFrameListener(FrameListener listener) {
    frameListener_ = std::move(listener);
  }

 private:
  static void onKey(GLFWwindow* window, int key, int scancode, int action, int mods);
  void applyOutputMonitor(ControlState& state);

  FrameMailbox& frames_;
  const HostFrame* lastFrame_ = nullptr;  // the last one taken (valid until the next take)
  std::vector<std::unique_ptr<OutputWindow>> outputs_;
  std::vector<std::string> outputCaptures_;  // per output, empty once taken
  uint64_t venueVersion_ = 0;
  FrameListener frameListener_;
  double lastTakenAt_ = 0;
  std::unique_ptr<ControlPanelWindow> panel_;
  ControlState* keyTarget_ = nullptr;  // the state being edited during step()
  Captures captures_;
  PresenterStats stats_;
  std::string monitorMessage_;  // why the last monitor choice failed
  std::vector<MonitorInfo> monitors_;
  double monitorsListed_ = -1;
  // Rates over about one second.
  double rateStart_ = -1;
  uint64_t presentedAtStart_ = 0, takenAtStart_ = 0, panelAtStart_ = 0, panelFrames_ = 0;
};

}  // namespace afterimage::ui
