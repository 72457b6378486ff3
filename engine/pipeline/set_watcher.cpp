#include "engine/pipeline/set_watcher.h"

#include "engine/pipeline/set_file.h"

#include <vector>

namespace afterimage::pipeline {

SetWatcher::SetWatcher(std::filesystem::path file, ModelLimitsFor limitsFor)
    : file_(std::move(file)), limitsFor_(std::move(limitsFor)) {
  seen_ = stamp();
  load();
}

SetWatcher::Stamp SetWatcher::stamp() const {
  std::error_code error;
  Stamp s;
  s.time = std::filesystem::last_write_time(file_, error);
  if (error) return {};
  s.size = std::filesystem::file_size(file_, error);
  if (error) return {};
  s.exists = true;
  return s;
}

bool SetWatcher::poll() {
  Stamp now = stamp();
  if (now == seen_) return false;
  seen_ = now;
  if (!now.exists) {
    // Editors that save by rename make the file vanish for a moment: keep the set.
    std::lock_guard lock(mutex_);
    error_ = file_.string() + ": the set file is missing (keeping the last good set)";
    return false;
  }
  return load();
}

bool SetWatcher::load() {
  try {
    auto set = std::make_shared<const Set>(loadSet(file_, limitsFor_));
    std::lock_guard lock(mutex_);
    current_ = std::move(set);
    error_.clear();
    ++version_;
    return true;
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    error_ = e.what();
    return false;
  }
}

std::shared_ptr<const Set> SetWatcher::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::string SetWatcher::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

uint64_t SetWatcher::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

void SetWatcher::replace(Set set) {
  if (limitsFor_) {
    std::vector<std::string> messages;
    for (const SetProblem& p : checkSetOnModel(set, limitsFor_(set)))
      messages.push_back(file_.string() + ": " + p.field + ": " + p.message);
    if (!messages.empty()) throw SetError(std::move(messages));
  }
  auto shared = std::make_shared<const Set>(std::move(set));
  std::lock_guard lock(mutex_);
  current_ = std::move(shared);
  ++version_;
}

void SetWatcher::save() {
  std::shared_ptr<const Set> set = current();
  if (!set) throw std::runtime_error(file_.string() + ": no set to save");
  saveSet(*set, file_);
  seen_ = stamp();
  std::lock_guard lock(mutex_);
  error_.clear();
}

}  // namespace afterimage::pipeline
