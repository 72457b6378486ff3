// Command-line arguments: positionals, `--name value` options and `--flag`s;
// `-o FILE` is `--o FILE` where "o" is an option.
// Unknown or missing values are usage errors that name the option.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  // valueOptions take a value; flags do not. Anything else starting with
  // "--" is a usage error.
  Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
            const std::set<std::string>& flags);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::string value(const std::string& name, const std::string& fallback) const;
  int integer(const std::string& name, int fallback) const;
  // A finite number (nan and inf are usage errors).
  double number(const std::string& name, double fallback) const;

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

struct ImageSize {
  uint32_t width = 0, height = 0;
};
// "512x512" (or "512" for a square); UsageError naming `option` otherwise.
ImageSize parseImageSize(const std::string& text, const std::string& option);

}  // namespace afterimage::cli
