#include "engine/pipeline/default_model.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace afterimage::pipeline {

std::string defaultModelFolder() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("AFTERIMAGE_DEFAULT_MODEL")) candidates.emplace_back(env);
  std::error_code ec;
  fs::path executable = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(executable.parent_path().parent_path() / "sets" / "models" / "default");
  candidates.push_back(fs::path(AFTERIMAGE_SOURCE_DIR) / "sets" / "models" / "default");
  std::string looked;
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c / "model_index.json")) return c.string();
    looked += (looked.empty() ? "" : ", ") + c.string();
  }
  throw std::runtime_error("the default model is not installed (looked in " + looked +
                           "; set AFTERIMAGE_DEFAULT_MODEL or give the set a model folder)");
}

std::string defaultSetFile() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  std::error_code ec;
  fs::path executable = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(executable.parent_path().parent_path() / "sets" / "default.toml");
  candidates.push_back(fs::path(AFTERIMAGE_SOURCE_DIR) / "sets" / "default.toml");
  std::string looked;
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c)) return c.string();
    looked += (looked.empty() ? "" : ", ") + c.string();
  }
  throw std::runtime_error("the default set is not there (looked at " + looked + "; give one with --set FILE)");
}

}  // namespace afterimage::pipeline
