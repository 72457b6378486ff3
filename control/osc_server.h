// OSC in: a liblo server thread on a UDP port. Each message is read by
// osc_address.h into an action for the ControlQueue; one that means
// nothing is counted and its reason kept for the panel. A port that cannot
// be opened (busy) is a status line, and retry() tries it again.
#pragma once
#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "control/control_action.h"

namespace afterimage::control {

struct OscStatus {
  int port = 0;
  bool listening = false;
  uint64_t received = 0, rejected = 0;
  std::string problem;  // why not listening, or the last message refused
};

class OscServer {
 public:
  OscServer(int port, ControlQueue& queue);
  ~OscServer();
  OscServer(const OscServer&) = delete;
  OscServer& operator=(const OscServer&) = delete;

  // Opens the port when it is not open yet; true when listening.
  bool retry();
  OscStatus status() const;

  // From liblo's thread: a message's numeric arguments, or why they are not.
  void receive(const char* path, std::span<const double> args, const std::string& argumentProblem);

 private:

  int port_;
  ControlQueue& queue_;
  void* thread_ = nullptr;  // lo_server_thread
  std::atomic<uint64_t> received_{0}, rejected_{0};
  mutable std::mutex mutex_;
  std::string problem_;
};

}  // namespace afterimage::control
