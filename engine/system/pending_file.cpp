#include "engine/system/pending_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace afterimage::system {

namespace fs = std::filesystem;

namespace {

// Absolute, with links of the existing part resolved.
fs::path normalized(const fs::path& p) {
  std::error_code error;
  fs::path result = fs::weakly_canonical(fs::absolute(p), error);
  return error ? fs::absolute(p).lexically_normal() : result;
}

std::string lastError() { return std::strerror(errno); }

// The folder's entry for a renamed file is durable only once the folder
// itself is synced. Filesystems that cannot sync a folder say EINVAL: there
// is nothing more to do on those.
bool syncFolder(const fs::path& folder, std::string* problem) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *problem = "cannot open the folder to sync it: " + lastError();
    return false;
  }
  bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  if (!synced) *problem = "cannot sync the folder: " + lastError();
  ::close(fd);
  return synced;
}

}  // namespace

fs::path temporaryBeside(const fs::path& target, const std::string& tag) {
  // The extension stays last: programs that pick a format by it still can.
  std::string name = ".";  // appended piece by piece: GCC 12 warns (-Wrestrict) on "." + string
  name += target.stem().string();
  name += "." + tag + "-" + std::to_string(getpid());
  name += target.extension().string();
  return target.parent_path() / name;
}

fs::path followLinks(const fs::path& path) {
  fs::path current = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!fs::is_symlink(current, error)) return current;
    fs::path next = fs::read_symlink(current, error);
    if (error) throw std::runtime_error(path.string() + ": cannot read the link " + current.string() + ": " + error.message());
    current = next.is_absolute() ? next : current.parent_path() / next;
  }
  throw std::runtime_error(path.string() + ": too many levels of symbolic links");
}

PendingFile::PendingFile(const fs::path& target) : target_(target) {
  if (target.filename().empty())
    throw std::invalid_argument(target.string() + ": expected a file name, not a folder");
  std::error_code error;
  if (fs::is_directory(target, error))
    throw std::invalid_argument(target.string() + ": is a folder; give a file name");
  destination_ = followLinks(target);
  if (!destination_.parent_path().empty()) fs::create_directories(destination_.parent_path());
  temporary_ = temporaryBeside(destination_, "partial");
}

PendingFile::~PendingFile() { discard(); }

void PendingFile::write(std::string_view bytes) {
  if (!open_) throw std::logic_error(target_.string() + ": committed or discarded already");
  // Private while it holds what may be a private file's content; commit()
  // gives it the final mode. A new file gets the usual 0666 less the umask.
  std::error_code missing;
  mode_t mode = fs::exists(destination_, missing) ? 0600 : 0666;
  // A leftover of a crashed process that had our id; O_EXCL then refuses
  // anything (a link) put at this name in between.
  ::unlink(temporary_.c_str());
  int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    throw std::runtime_error(target_.string() + ": cannot create " + temporary_.string() + ": " + lastError());
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = n < 0 ? lastError() : "nothing written";
      ::close(fd);
      ::unlink(temporary_.c_str());
      throw std::runtime_error(target_.string() + ": cannot write " + temporary_.string() + ": " + why);
    }
    data += n, left -= size_t(n);
  }
  if (::close(fd) != 0) {
    std::string why = lastError();
    ::unlink(temporary_.c_str());
    throw std::runtime_error(target_.string() + ": cannot write " + temporary_.string() + ": " + why);
  }
}

void PendingFile::commit() {
  if (!open_) throw std::logic_error(target_.string() + ": committed or discarded already");
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(target_.string() + ": cannot move the finished output there from " +
                             temporary_.string() + ": " + why);
  };
  int fd = ::open(temporary_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(lastError());
  struct stat replaced {};
  if (::stat(destination_.c_str(), &replaced) == 0 && ::fchmod(fd, replaced.st_mode & 07777) != 0) {
    std::string why = "cannot give it the mode of the file it replaces: " + lastError();
    ::close(fd);
    fail(why);
  }
  // Synced before the rename: otherwise a crash can leave the new name
  // pointing at an empty file, and the old content gone.
  if (::fsync(fd) != 0) {
    std::string why = "cannot sync: " + lastError();
    ::close(fd);
    fail(why);
  }
  ::close(fd);
  std::error_code error;
  fs::rename(temporary_, destination_, error);
  if (error) fail(error.message());
  open_ = false;
  std::string problem;
  if (!syncFolder(destination_.parent_path(), &problem))
    throw std::runtime_error(target_.string() + ": written, but " + problem);
}

void PendingFile::discard() {
  if (!open_) return;
  std::error_code ignored;
  fs::remove(temporary_, ignored);
  open_ = false;
}

bool sameFile(const fs::path& a, const fs::path& b) {
  std::error_code error;
  if (fs::exists(a, error) && fs::exists(b, error)) return fs::equivalent(a, b, error);
  return normalized(a) == normalized(b);
}

}  // namespace afterimage::system
