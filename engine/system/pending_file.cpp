#include "engine/system/pending_file.h"

#include <unistd.h>

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

}  // namespace

fs::path temporaryBeside(const fs::path& target, const std::string& tag) {
  // The extension stays last: programs that pick a format by it still can.
  std::string name = ".";  // appended piece by piece: GCC 12 warns (-Wrestrict) on "." + string
  name += target.stem().string();
  name += "." + tag + "-" + std::to_string(getpid());
  name += target.extension().string();
  return target.parent_path() / name;
}

PendingFile::PendingFile(const fs::path& target) : target_(target) {
  if (target.filename().empty())
    throw std::invalid_argument(target.string() + ": expected a file name, not a folder");
  std::error_code error;
  if (fs::is_directory(target, error))
    throw std::invalid_argument(target.string() + ": is a folder; give a file name");
  if (!target.parent_path().empty()) fs::create_directories(target.parent_path());
  temporary_ = temporaryBeside(target, "partial");
}

PendingFile::~PendingFile() { discard(); }

void PendingFile::commit() {
  if (!open_) throw std::logic_error(target_.string() + ": committed or discarded already");
  std::error_code error;
  fs::rename(temporary_, target_, error);
  if (error)
    throw std::runtime_error(target_.string() + ": cannot move the finished output there from " +
                             temporary_.string() + ": " + error.message());
  open_ = false;
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
