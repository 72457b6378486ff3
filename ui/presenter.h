// The live show's windows on the main thread: the output window and the
// control panel, the keyboard shortcuts of both, and the link to the
// generator, a FrameMailbox. Each step() polls window events, takes the
// newest generated frame if there is one (never waiting for it), and draws
// both windows; FIFO presentation paces the loop at the display's rate.
#pragma once
#include <memory>
#include <string>

#include "engine/gpu/context.h"
#include "ui/control_panel_window.h"
#include "ui/control_state.h"
#include "ui/frame_mailbox.h"
#include "ui/output_window.h"

namespace afterimage::ui {

struct PresenterOptions {
  OutputWindowOptions output;
  int panelWidth = 460, panelHeight = 640;
};

// Read-backs of what the windows present in this step, as PNG (tests).
struct Captures {
  std::string output, panel;
};

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
  void capture(const Captures& captures) { captures_ = captures; }
  bool capturing() const { return !captures_.output.empty() || !captures_.panel.empty(); }

  // After a device loss: releaseGpu() destroys both windows' Vulkan objects
  // (the windows stay), attachGpu() makes them on a new context and shows
  // the last frame taken from the mailbox again first. Between the two,
  // pollEvents() keeps the windows responsive; it returns false once one
  // was closed.
  void releaseGpu();
  void attachGpu(gpu::Context& context);
  bool pollEvents(ControlState& state);

  const PresenterStats& stats() const { return stats_; }
  OutputWindow& output() { return *output_; }

 private:
  static void onKey(GLFWwindow* window, int key, int scancode, int action, int mods);
  void applyOutputMonitor(ControlState& state);

  FrameMailbox& frames_;
  const HostFrame* lastFrame_ = nullptr;  // the last one taken (valid until the next take)
  std::unique_ptr<OutputWindow> output_;
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
