// Set files: sets/*.toml read into a Set with every mistake reported as
// "file:line:column: field: what is wrong" (unknown keys included, with a
// suggestion), and a Set written back so that it reads back equal. The
// format is described in sets/README.md.
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/pipeline/model_limits.h"
#include "engine/pipeline/set.h"

namespace afterimage::pipeline {

class SetError : public std::runtime_error {
 public:
  explicit SetError(std::vector<std::string> messages);
  // One line per mistake, in file order.
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

// Throws SetError (also when the file cannot be read, is not a regular
// file, or passes the bounds of set_text_bounds.h). With `limitsFor`, the
// set is also checked against the model it names (model_limits.h): its
// styles, size and steps, each mistake at its line like the others; a model
// that cannot be read is reported at the set's `model` key.
Set loadSet(const std::filesystem::path& file, const ModelLimitsFor& limitsFor = {});
// `text` as the content of `file` (named in messages; relative model
// folders resolve against its folder).
Set parseSet(std::string_view text, const std::filesystem::path& file, const ModelLimitsFor& limitsFor = {});

// The set as TOML for a file at `file` (a relative model folder is
// rewritten to stay the same folder from there).
std::string formatSet(const Set& set, const std::filesystem::path& file);
// Writes formatSet to `file` through a synced temporary file beside it and
// a rename (system::PendingFile), so a failed write never leaves half a set
// and no temporary. A symbolic link stays a link (its target is rewritten);
// the file's permission bits stay. A file there that saveSet did not write
// (a hand-written set with comments) is first copied to a new backup,
// FILE.bak, FILE.bak.1, ... (the newest 10 are kept; system::keepBackup).
// Throws std::runtime_error naming the file.
void saveSet(const Set& set, const std::filesystem::path& file);

}  // namespace afterimage::pipeline
