#include "ui/presenter.h"

#include "ui/key_bindings.h"
#include "ui/window_error.h"

namespace afterimage::ui {

std::string outputCapturePath(const std::string& first, size_t index) {
  if (index == 0 || first.empty()) return first;
  size_t dot = first.rfind('.');
  size_t slash = first.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) dot = first.size();
  return first.substr(0, dot) + "-" + std::to_string(index + 1) + first.substr(dot);
}

Presenter::Presenter(gpu::Context& context, FrameMailbox& frames, const PresenterOptions& options)
    : frames_(frames) {
  outputs_.push_back(std::make_unique<OutputWindow>(context, options.output));
  for (const auto& more : options.moreOutputs) outputs_.push_back(std::make_unique<OutputWindow>(context, more));
  for (auto& output : outputs_) {
    glfwSetWindowUserPointer(output->window(), this);
    glfwSetKeyCallback(output->window(), &Presenter::onKey);
  }
  outputCaptures_.resize(outputs_.size());
  // Beside the (last) output window when it is windowed.
  int x = 0, y = 0, width = 0;
  glfwGetWindowPos(outputs_.back()->window(), &x, &y);
  glfwGetWindowSize(outputs_.back()->window(), &width, nullptr);
  panel_ = std::make_unique<ControlPanelWindow>(context, options.panelWidth, options.panelHeight, &Presenter::onKey,
                                                this);
  if (options.output.monitor < 0) glfwSetWindowPos(panel_->window(), x + width + 8, y);
}

Presenter::~Presenter() {
  panel_.reset();
  outputs_.clear();
}

bool Presenter::capturing() const {
  for (const auto& path : outputCaptures_)
    if (!path.empty()) return true;
  return !captures_.panel.empty();
}

void Presenter::capture(const Captures& captures) {
  captures_ = captures;
  for (size_t i = 0; i < outputs_.size(); ++i) outputCaptures_[i] = outputCapturePath(captures.output, i);
}

void Presenter::releaseGpu() {
  for (auto& output : outputs_) output->releaseGpu();
  panel_->releaseGpu();
}

void Presenter::attachGpu(gpu::Context& context) {
  for (auto& output : outputs_) output->attachGpu(context, lastFrame_);
  panel_->attachGpu(context);
}

bool Presenter::pollEvents(ControlState& state) {
  keyTarget_ = &state;
  glfwPollEvents();
  keyTarget_ = nullptr;
  for (auto& output : outputs_)
    if (glfwWindowShouldClose(output->window())) state.quit = true;
  if (glfwWindowShouldClose(panel_->window())) state.quit = true;
  return !state.quit;
}

void Presenter::onKey(GLFWwindow* window, int key, int, int action, int mods) {
  auto* self = static_cast<Presenter*>(glfwGetWindowUserPointer(window));
  if (!self || !self->keyTarget_ || action != GLFW_PRESS) return;
  if (window == self->panel_->window() && self->panel_->typing()) return;
  applyShortcut(key, glfwGetTime(), *self->keyTarget_, mods);
}

void Presenter::applyOutputMonitor(ControlState& state) {
  OutputWindow& first = *outputs_[0];
  if (state.outputMonitor == first.monitor()) return;
  try {
    first.setMonitor(state.outputMonitor);
    monitorMessage_.clear();
  } catch (const WindowError& e) {
    monitorMessage_ = e.what();
    state.outputMonitor = first.monitor();
  }
}

bool Presenter::step(PanelModel& model, ControlState& state) {
  if (!pollEvents(state)) return false;
  applyOutputMonitor(state);

  double now = glfwGetTime();
  const HostFrame* frame = state.freeze ? nullptr : frames_.takeNewest();
  if (frame) ++stats_.framesTaken, lastFrame_ = frame, lastTakenAt_ = now;
  if (state.venueVersion != venueVersion_) {
    venueVersion_ = state.venueVersion;
    for (size_t i = 0; i < outputs_.size() && i < state.venue.outputs.size(); ++i)
      outputs_[i]->setLayout(state.venue.outputs[i]);
  }
  std::string problem;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    OutputWindow& output = *outputs_[i];
    // The first output sets the pace (FIFO); the others present beside it.
    bool presented = output.render(frame, now, state.crossfadeSeconds,
                                   state.blackout, outputCaptures_[i], state.calibrate);
    if (presented) outputCaptures_[i].clear();
    if (presented && i == 0) ++stats_.framesPresented;
    std::string p = output.hasGpu() ? output.swapchain().problem() : "no GPU";
    if (problem.empty() && !p.empty()) problem = "output " + std::to_string(i + 1) + ": " + p;
  }
  if (frameListener_) frameListener_(lastFrame_, lastTakenAt_, outputs_[0]->brightness(), now);
  stats_.uploadMilliseconds = outputs_[0]->lastUploadMilliseconds();
  stats_.message = problem.empty() ? monitorMessage_ : problem;

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
