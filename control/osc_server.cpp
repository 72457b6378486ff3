#include "control/osc_server.h"

#include <lo/lo.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "control/osc_address.h"

namespace afterimage::control {
namespace {

// liblo reports a failed bind through a handler without user data; the
// constructor and retry() read it right after the call that failed.
thread_local std::string lastLiblopError;
void onLiblopError(int number, const char* message, const char* where) {
  lastLiblopError = std::string(message ? message : "error") + (where ? std::string(" (") + where + ")" : "") +
                    " [" + std::to_string(number) + "]";
}

template <typename T>
T read(const void* at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* self) {
  double values[8];
  int count = 0;
  std::string problem;
  for (int i = 0; i < argc && count < 8; ++i) {
    // OSC aligns arguments to 4 bytes, lo_arg (a union with 8-byte members)
    // wants 8: read each through memcpy, never as lo_arg.
    const void* arg = argv[i];
    switch (types[i]) {
      case LO_INT32: values[count++] = read<int32_t>(arg); break;
      case LO_FLOAT: values[count++] = read<float>(arg); break;
      case LO_DOUBLE: values[count++] = read<double>(arg); break;
      case LO_INT64: values[count++] = double(read<int64_t>(arg)); break;
      case LO_TRUE: values[count++] = 1; break;
      case LO_FALSE: values[count++] = 0; break;
      default: problem = std::string(path) + ": argument " + std::to_string(i) + " is not a number";
    }
  }
  static_cast<OscServer*>(self)->receive(path, std::span<const double>(values, size_t(count)), problem);
  return 0;  // handled
}

}  // namespace

OscServer::OscServer(int port, ControlQueue& queue) : port_(port), queue_(queue) { retry(); }

OscServer::~OscServer() {
  if (thread_) {
    lo_server_thread_stop(lo_server_thread(thread_));
    lo_server_thread_free(lo_server_thread(thread_));
  }
}

bool OscServer::retry() {
  if (thread_) return true;
  lastLiblopError.clear();
  std::string port = std::to_string(port_);
  lo_server_thread thread = lo_server_thread_new_with_proto(port.c_str(), LO_UDP, onLiblopError);
  if (!thread) {
    std::lock_guard lock(mutex_);
    problem_ = "OSC port " + port + " cannot be opened (" + (lastLiblopError.empty() ? "in use?" : lastLiblopError) +
               "); retrying";
    return false;
  }
  lo_server_thread_add_method(thread, nullptr, nullptr, onMessage,
                              this);
  if (lo_server_thread_start(thread) < 0) {
    lo_server_thread_free(thread);
    std::lock_guard lock(mutex_);
    problem_ = "OSC port " + port + ": the server thread did not start; retrying";
    return false;
  }
  thread_ = thread;
  std::lock_guard lock(mutex_);
  problem_.clear();
  return true;
}

OscStatus OscServer::status() const {
  OscStatus s;
  s.port = port_;
  s.listening = thread_ != nullptr;
  s.received = received_.load();
  s.rejected = rejected_.load();
  std::lock_guard lock(mutex_);
  s.problem = problem_;
  return s;
}

void OscServer::receive(const char* path, std::span<const double> args, const std::string& argumentProblem) {
  received_++;
  std::string problem = argumentProblem;
  if (problem.empty()) {
    OscResult result = parseOscMessage(path, args);
    if (auto* action = std::get_if<ControlAction>(&result)) return queue_.push(*action);
    problem = std::get<std::string>(result);
  }
  rejected_++;
  std::lock_guard lock(mutex_);
  problem_ = problem;
}

}  // namespace afterimage::control
