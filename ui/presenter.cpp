#include "ui/presenter.h"

#include "ui/key_bindings.h"
#include "ui/window_error.h"

namespace afterimage::ui {

Presenter::Presenter(gpu::Context& context, FrameMailbox& frames, const PresenterOptions& options)
    : frames_(frames) {
  output_ = std::make_unique<OutputWindow>(context, options.output);
  glfwSetWindowUserPointer(output_->window(), this);
  glfwSetKeyCallback(output_->window(), &Presenter::onKey);
  // Beside the output window when it is windowed.
  int x = 0, y = 0, width = 0;
  glfwGetWindowPos(output_->window(), &x, &y);
  glfwGetWindowSize(output_->window(), &width, nullptr);
  panel_ = std::make_unique<ControlPanelWindow>(context, options.panelWidth, options.panelHeight, &Presenter::onKey,
                                                this);
  if (options.output.monitor < 0) glfwSetWindowPos(panel_->window(), x + width + 8, y);
}

Presenter::~Presenter() {
  panel_.reset();
  output_.reset();
}

void Presenter::releaseGpu() {
  output_->releaseGpu();
  panel_->releaseGpu();
}

void Presenter::attachGpu(gpu::Context& context) {
  output_->attachGpu(context, lastFrame_);
  panel_->attachGpu(context);
}

bool Presenter::pollEvents(ControlState& state) {
  keyTarget_ = &state;
  glfwPollEvents();
  keyTarget_ = nullptr;
  if (glfwWindowShouldClose(output_->window()) || glfwWindowShouldClose(panel_->window())) state.quit = true;
  return !state.quit;
}

void Presenter::onKey(GLFWwindow* window, int key, int, int action, int mods) {
  auto* self = static_cast<Presenter*>(glfwGetWindowUserPointer(window));
  if (!self || !self->keyTarget_ || action != GLFW_PRESS) return;
  if (window == self->panel_->window() && self->panel_->typing()) return;
  applyShortcut(key, glfwGetTime(), *self->keyTarget_, mods);
}

void Presenter::applyOutputMonitor(ControlState& state) {
  if (state.outputMonitor == output_->monitor()) return;
  try {
    output_->setMonitor(state.outputMonitor);
    monitorMessage_.clear();
  } catch (const WindowError& e) {
    monitorMessage_ = e.what();
    state.outputMonitor = output_->monitor();
  }
}

bool Presenter::step(PanelModel& model, ControlState& state) {
  if (!pollEvents(state)) return false;
  applyOutputMonitor(state);

  double now = glfwGetTime();
  const HostFrame* frame = state.freeze ? nullptr : frames_.takeNewest();
  if (frame) ++stats_.framesTaken, lastFrame_ = frame;
  if (output_->render(frame, now, state.crossfadeSeconds, state.blackout, captures_.output)) {
    ++stats_.framesPresented;
    captures_.output.clear();
  }
  stats_.uploadMilliseconds = output_->lastUploadMilliseconds();
  std::string problem = output_->hasGpu() ? output_->swapchain().problem() : "no GPU";
  stats_.message = problem.empty() ? monitorMessage_ : "output: " + problem;

  // GLFW reports connected monitors only through events; listing them every
  // two seconds keeps the choice current without a callback.
  if (monitorsListed_ < 0 || now - monitorsListed_ > 2.0) {
    monitors_ = listMonitors();
    monitorsListed_ = now;
  }
  if (rateStart_ < 0) rateStart_ = now;
  if (now - rateStart_ >= 1.0) {
    double seconds = now - rateStart_;
    stats_.presentedFps = double(stats_.framesPresented - presentedAtStart_) / seconds;
    stats_.newFramesFps = double(stats_.framesTaken - takenAtStart_) / seconds;
    stats_.panelFps = double(panelFrames_ - panelAtStart_) / seconds;
    presentedAtStart_ = stats_.framesPresented;
    takenAtStart_ = stats_.framesTaken;
    panelAtStart_ = panelFrames_;
    rateStart_ = now;
  }
  model.presenter = stats_;
  model.monitors = monitors_;
  if (panel_->render(model, state, now, captures_.panel)) {
    ++panelFrames_;
    captures_.panel.clear();
  }
  return !state.quit;
}

}  // namespace afterimage::ui
