// Live mode's control surfaces: OSC in (a server on the set's or
// --osc-port's port, retried while busy), OSC out (each analysis hop to the
// set's and --osc-send's targets), MIDI (devices, bindings, learn, clock),
// Ableton Link (follow or lead), and their status lines for the panel.
// Actions from them are applied between frames by apply(), the same edits
// and buttons as the panel's: a parameter sets the active scene's base
// value (coalesced: one set edit per loop for a knob's stream of values).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audio/live_analysis.h"
#include "control/control_action.h"
#include "control/link_session.h"
#include "control/midi_inputs.h"
#include "control/midi_router.h"
#include "control/osc_sender.h"
#include "control/osc_server.h"
#include "engine/cli/live_generator.h"
#include "engine/pipeline/set_edit.h"
#include "engine/pipeline/set_watcher.h"
#include "ui/control_state.h"

namespace afterimage::cli {

struct LiveControlOptions {
  std::optional<int> oscPort;        // --osc-port: instead of the set's (0: none)
  std::vector<std::string> oscSend;  // --osc-send: added to the set's targets
  std::optional<pipeline::LinkMode> link;  // --link off|follow|lead: instead of the set's
};

// --osc-port N, --osc-send HOST:PORT[,HOST:PORT...], --link MODE; UsageError when malformed.
class Arguments;
LiveControlOptions liveControlOptions(const Arguments& args);

class LiveControl {
 public:
  LiveControl(const LiveControlOptions& options, audio::LiveAnalysis& analysis);
  ~LiveControl();
  LiveControl(const LiveControl&) = delete;
  LiveControl& operator=(const LiveControl&) = delete;

  // About four times a second: follows the set's [control] table (a reload may change
  // it), retries a busy port about every second, refreshes the panel view.
  void poll(const pipeline::Set& set, double now);

  // Applies what arrived since the last call. Returns true when the set was
  // edited (unsaved); `message` gets the last refusal.
  struct Show {
    pipeline::SetWatcher& watcher;
    LiveGenerator& generator;
    ui::ControlState& state;
    int activeScene = 0;
  };
  bool apply(const Show& show, std::string& message);

  // MIDI learn from the panel: the next knob or pad moved is bound to
  // `target` (a learnTargets name) and the binding added to the set; "" cancels.
  void learn(const std::string& target) { router_.learn(target); }

  const ui::ControlView& view() const { return view_; }
  // State changes since the last call ("OSC in: listening on port 9000",
  // a device lost), for live mode's log.
  std::vector<std::string> takeNews() { return std::exchange(news_, {}); }

 private:
  LiveControlOptions options_;
  audio::LiveAnalysis& analysis_;
  control::ControlQueue queue_;
  std::vector<control::ControlAction> actions_;
  std::vector<pipeline::ParameterValue> values_;

  int oscPort_ = 0;
  std::unique_ptr<control::OscServer> oscServer_;
  std::vector<std::string> oscTargets_;
  std::unique_ptr<control::OscSender> oscSender_;
  std::string senderProblem_;
  double lastRetry_ = -1;

  control::MidiRouter router_{queue_};
  std::unique_ptr<control::MidiInputs> midi_;
  double lastMidiRefresh_ = -1e9;

  std::unique_ptr<control::LinkSession> link_;
  void syncLink(pipeline::LinkMode mode, const pipeline::Set& set);
  ui::ControlView view_;
  std::vector<std::string> states_, news_;
  int activeScene_ = 0;
  void report(size_t slot, const std::string& state);
};

}  // namespace afterimage::cli
