// An output written under a temporary name beside its target
// (".NAME.partial-PID.EXT", same folder so the rename is atomic) and moved
// over the target only by commit(): a failed or interrupted job leaves the
// user's previous file as it was, and no half-written one.
//
// A target that is a symbolic link stays one: the file it points to is the
// one replaced (the temporary sits beside that file). The replaced file's
// permission bits carry over (a 0600 set stays private), and commit() syncs
// the data and the folder, so a power cut after a save finds the new file.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

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
  // The file commit() replaces: the target with its links followed.
  const std::filesystem::path& destination() const { return destination_; }
  // Writes `bytes` as the temporary's whole content, created private
  // (0600) when it will replace an existing file, whose mode commit() then
  // gives it. Throws naming the target; the temporary is gone on failure.
  void write(std::string_view bytes);
  // Syncs the temporary, gives it the replaced file's permission bits,
  // renames it over the destination and syncs the folder; throws naming the
  // target (the temporary is removed then, by discard or the destructor).
  void commit();
  void discard();

 private:
  std::filesystem::path target_, destination_, temporary_;
  bool open_ = true;
};

// The temporary name beside `target` with a tag: ".NAME.TAG-PID.EXT".
std::filesystem::path temporaryBeside(const std::filesystem::path& target, const std::string& tag);

// `path` with its symbolic links followed to the file they end at (which
// need not exist: a dangling link names where the file will be). Throws
// naming `path` after 40 links (a loop).
std::filesystem::path followLinks(const std::filesystem::path& path);

// Whether two paths name the same file: by device and inode when both
// exist (links, "./", hard links), else by their normalized absolute paths.
bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace afterimage::system
