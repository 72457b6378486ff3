#include "engine/system/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

extern char** environ;

namespace afterimage::system {
namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

// Our environment with the overrides applied; the strings stay owned here.
std::vector<std::string> environmentWith(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> result;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const auto& [name, value] : overrides) replaced |= entry.rfind(name + "=", 0) == 0;
    if (!replaced) result.push_back(entry);
  }
  for (const auto& [name, value] : overrides) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Owns the spawn attributes and file actions until the spawn is done.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

struct Pipe {
  int read = -1, write = -1;
  Pipe(const std::string& program) {
    int fds[2];
    // Close-on-exec: no other child inherits (and holds open) our ends.
    if (pipe2(fds, O_CLOEXEC) != 0) fail(errno, "cannot make a pipe for " + program);
    read = fds[0], write = fds[1];
  }
};

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

std::string ExitStatus::describe() const {
  return signaled ? "killed by signal " + std::to_string(code - 128) : "exit code " + std::to_string(code);
}

ChildProcess::ChildProcess(const ChildOptions& options) {
  if (options.argv.empty()) throw std::invalid_argument("child process: empty argument vector");
  program_ = options.argv[0];
  SpawnSetup setup;
  int childIn = -1, childOut = -1, log = -1;
  if (options.pipeStdin) {
    Pipe p(program_);
    childIn = p.read, stdin_ = p.write;
    posix_spawn_file_actions_adddup2(&setup.actions, childIn, 0);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (options.pipeStdout) {
    Pipe p(program_);
    stdout_ = p.read, childOut = p.write;
    posix_spawn_file_actions_adddup2(&setup.actions, childOut, 1);
  }
  if (options.stderrToStdout) {
    posix_spawn_file_actions_adddup2(&setup.actions, 1, 2);
  } else if (!options.stderrPath.empty()) {
    // Opened here so that a log we cannot write is reported with its name.
    log = ::open(options.stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0) {
      int error = errno;
      closeFd(childIn), closeFd(childOut), closeFd(stdin_), closeFd(stdout_);
      fail(error, options.stderrPath + ": cannot write the log of " + program_);
    }
    posix_spawn_file_actions_adddup2(&setup.actions, log, 2);
  } else if (options.discardStderr) {
    posix_spawn_file_actions_addopen(&setup.actions, 2, "/dev/null", O_WRONLY, 0);
  }
  if (!options.workingDirectory.empty())
    posix_spawn_file_actions_addchdir_np(&setup.actions, options.workingDirectory.c_str());
  // The child starts with SIGPIPE at its default and nothing blocked,
  // whatever this process does with them.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  posix_spawnattr_setsigmask(&setup.attributes, &empty);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv = options.argv, env = environmentWith(options.environment);
  auto argvPointers = pointers(argv), envPointers = pointers(env);
  int error = posix_spawnp(&pid_, program_.c_str(), &setup.actions, &setup.attributes, argvPointers.data(),
                           envPointers.data());
  closeFd(childIn), closeFd(childOut), closeFd(log);
  if (error != 0) {
    pid_ = -1;
    closeFd(stdin_), closeFd(stdout_);
    fail(error, "cannot start " + program_);
  }
}

ChildProcess::~ChildProcess() {
  kill();
  closeFd(stdin_), closeFd(stdout_);
}

bool ChildProcess::write(std::span<const uint8_t> bytes) {
  if (stdin_ < 0) return false;
  // SIGPIPE blocked in this thread for the write: a child that exited gives
  // EPIPE here instead of killing us silently (exit 141); the pending
  // signal it raised is then taken off so it never arrives later.
  sigset_t pipeSignal, previous;
  sigemptyset(&pipeSignal);
  sigaddset(&pipeSignal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
  int error = 0;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(stdin_, bytes.data() + done, bytes.size() - done);
    if (n >= 0) {
      done += size_t(n);
    } else if (errno != EINTR) {
      error = errno;
      break;
    }
  }
  if (error == EPIPE) {
    timespec now{};
    sigtimedwait(&pipeSignal, nullptr, &now);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (error == EPIPE) return false;
  if (error != 0) fail(error, "writing to " + program_);
  return true;
}

void ChildProcess::closeStdin() { closeFd(stdin_); }

std::string ChildProcess::readAll() {
  std::string out;
  char buffer[4096];
  while (stdout_ >= 0) {
    ssize_t n = ::read(stdout_, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, size_t(n));
    } else if (n == 0 || errno != EINTR) {
      closeFd(stdout_);
    }
  }
  return out;
}

ExitStatus ChildProcess::wait() {
  closeStdin();
  if (pid_ <= 0) return status_;
  int raw = 0;
  while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (WIFSIGNALED(raw)) {
    status_ = {128 + WTERMSIG(raw), true};
  } else {
    status_ = {WIFEXITED(raw) ? WEXITSTATUS(raw) : 1, false};
  }
  return status_;
}

void ChildProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait();
}

}  // namespace afterimage::system
