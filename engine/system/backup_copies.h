// Copies of a file kept before it is replaced: FILE.bak, then FILE.bak.1,
// FILE.bak.2, ... numbered up, so a higher number is a newer copy. A copy
// never overwrites another; after each new one only the newest
// kKeptBackups remain, so a show saved all night does not fill the disk.
#pragma once
#include <filesystem>

namespace afterimage::system {

inline constexpr int kKeptBackups = 10;

// Copies `file` (its permission bits too) to the next free backup name
// beside it, syncs the copy, then removes the oldest beyond `keep`.
// Returns the copy's path; throws naming `file` when it cannot be made.
std::filesystem::path keepBackup(const std::filesystem::path& file, int keep = kKeptBackups);

}  // namespace afterimage::system
