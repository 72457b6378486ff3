// A child process started from an argument vector (posix_spawnp), never
// through a shell, so no character of a user's file name is interpreted.
// Optional pipes to its stdin and from its stdout; its stderr can go to a
// log file (or join stdout). Used for ffmpeg/ffprobe and by the tests.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace afterimage::system {

struct ChildOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  bool pipeStdin = false;         // false: /dev/null
  bool pipeStdout = false;        // false: inherited
  std::string stderrPath;         // non-empty: stderr truncates and writes this file
  bool stderrToStdout = false;    // stderr joins stdout (pipe or inherited); wins over stderrPath
  bool discardStderr = false;     // stderr to /dev/null (when neither of the above)
  std::vector<std::pair<std::string, std::string>> environment;  // added to (or replacing in) ours
  std::string workingDirectory;   // empty: ours
};

// Exit status as a shell reports it: the exit code, or 128 + the signal.
struct ExitStatus {
  int code = 0;
  bool signaled = false;
  int value() const { return code; }
  bool ok() const { return code == 0 && !signaled; }
  std::string describe() const;  // "exit code 1" / "killed by signal 9"
};

class ChildProcess {
 public:
  // Throws std::system_error naming the program: not found (ENOENT),
  // not executable, out of resources.
  explicit ChildProcess(const ChildOptions& options);
  // Kills a child still running (an abandoned job) and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // All of bytes into its stdin. False when the child closed it (exited):
  // EPIPE, with SIGPIPE kept from killing us. Other errors throw.
  bool write(std::span<const uint8_t> bytes);
  void closeStdin();
  // Its stdout up to end of file.
  std::string readAll();
  // Closes its stdin and waits for it to exit.
  ExitStatus wait();
  // SIGKILL and wait: for a job abandoned half-way.
  void kill();
  bool running() const { return pid_ > 0; }
  const std::string& program() const { return program_; }

 private:
  std::string program_;
  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1;
  ExitStatus status_;
};

}  // namespace afterimage::system
