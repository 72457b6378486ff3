// An output written under a temporary name beside its target
// (".NAME.partial-PID.EXT", same folder so the rename is atomic) and moved
// over the target only by commit(): a failed or interrupted job leaves the
// user's previous file as it was, and no half-written one.
#pragma once
#include <filesystem>
#include <string>

namespace afterimage::system {

class PendingFile {
 public:
  // Makes the target's folder. Throws naming the target when it is an
  // existing folder (a file cannot replace it).
  explicit PendingFile(const std::filesystem::path& target);
  ~PendingFile();  // removes the temporary unless committed
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  const std::filesystem::path& path() const { return temporary_; }  // write here
  const std::filesystem::path& target() const { return target_; }
  // Renames the temporary over the target; throws naming both on failure.
  void commit();
  void discard();

 private:
  std::filesystem::path target_, temporary_;
  bool open_ = true;
};

// The temporary name beside `target` with a tag: ".NAME.TAG-PID.EXT".
std::filesystem::path temporaryBeside(const std::filesystem::path& target, const std::string& tag);

// Whether two paths name the same file: by device and inode when both
// exist (links, "./", hard links), else by their normalized absolute paths.
bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace afterimage::system
