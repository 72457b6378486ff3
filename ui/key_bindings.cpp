#include "ui/key_bindings.h"

#include "ui/glfw.h"

namespace afterimage::ui {

bool applyShortcut(int key, double time, ControlState& state, int mods) {
  if (mods & GLFW_MOD_CONTROL) {
    if (key == GLFW_KEY_S) state.saveSet(time);
    else if (key == GLFW_KEY_R) state.toggleRecording(time);
    else return false;
    return true;
  }
  switch (key) {
    case GLFW_KEY_SPACE: state.tap(time); return true;
    case GLFW_KEY_B: state.blackout = !state.blackout; return true;
    case GLFW_KEY_F: state.freeze = !state.freeze; return true;
    case GLFW_KEY_ESCAPE: state.outputMonitor = -1; return true;
    default: break;
  }
  if (key >= GLFW_KEY_1 && key <= GLFW_KEY_9) {
    state.cue(key - GLFW_KEY_1, time);
    return true;
  }
  if (key >= GLFW_KEY_KP_1 && key <= GLFW_KEY_KP_9) {
    state.cue(key - GLFW_KEY_KP_1, time);
    return true;
  }
  return false;
}

}  // namespace afterimage::ui
