// Hot reload of a set file: poll() (each frame, or from a thread) looks at
// the file's modification time and size and re-reads it when they change.
// Every load is checked against the model (model_limits.h) before it
// replaces the good set: a broken edit, or one the running model cannot
// show, keeps the last good set and exposes the error until the file is
// fixed. The watcher writes the file only when asked (save).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "engine/pipeline/model_limits.h"
#include "engine/pipeline/set.h"

namespace afterimage::pipeline {

class SetWatcher {
 public:
  // Loads the file at once; if that fails, current() is null and error() says why.
  // `limitsFor` finds the model each load is checked against (live mode:
  // limitsOfFirstSetModel, the model the show runs).
  explicit SetWatcher(std::filesystem::path file, ModelLimitsFor limitsFor = limitsOfSetModel());

  // True when a new good set was loaded by this call.
  bool poll();

  // The last good set (null until one loads). Safe from any thread.
  std::shared_ptr<const Set> current() const;
  // Empty when the file as it is now is the current set; else the messages.
  std::string error() const;
  // Counts good loads and replacements, so readers can tell a new set.
  uint64_t version() const;
  const std::filesystem::path& file() const { return file_; }

  // Adopts a set edited elsewhere (the control panel) without writing it.
  // Throws SetError, keeping the current set, when the model cannot show it.
  void replace(Set set);
  // Writes the current set to the file; the watcher does not re-read its own write.
  void save();

 private:
  struct Stamp {
    bool exists = false;
    std::filesystem::file_time_type time{};
    uintmax_t size = 0;
    bool operator==(const Stamp&) const = default;
  };
  Stamp stamp() const;
  bool load();

  std::filesystem::path file_;
  ModelLimitsFor limitsFor_;
  Stamp seen_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Set> current_;
  std::string error_;
  uint64_t version_ = 0;
};

}  // namespace afterimage::pipeline
