#include "engine/cli/arguments.h"

#include <cmath>

namespace afterimage::cli {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                     const std::set<std::string>& flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    // "-o FILE" is the one short option, as in compilers and ffmpeg.
    const std::string& arg = args[i] == "-o" && valueOptions.count("o") ? std::string("--o") : args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), inlineValue;
    bool hasInline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inlineValue = name.substr(eq + 1), name = name.substr(0, eq), hasInline = true;
    }
    if (flags.count(name) && !hasInline) {
      flags_.insert(name);
    } else if (valueOptions.count(name)) {
      if (hasInline) {
        values_[name] = inlineValue;
      } else if (i + 1 < args.size()) {
        values_[name] = args[++i];
      } else {
        throw UsageError("--" + name + " needs a value");
      }
    } else {
      throw UsageError("unknown option --" + name);
    }
  }
}

std::optional<std::string> Arguments::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Arguments::value(const std::string& name, const std::string& fallback) const {
  return value(name).value_or(fallback);
}

int Arguments::integer(const std::string& name, int fallback) const {
  auto v = value(name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    int result = std::stoi(*v, &used);
    if (used == v->size()) return result;
  } catch (...) {
  }
  throw UsageError("--" + name + " expects an integer, got '" + *v + "'");
}

double Arguments::number(const std::string& name, double fallback) const {
  auto v = value(name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    double result = std::stod(*v, &used);
    // nan and inf parse but mean nothing as a count, a time or a rate.
    if (used == v->size() && std::isfinite(result)) return result;
  } catch (...) {
  }
  throw UsageError("--" + name + " expects a finite number, got '" + *v + "'");
}

ImageSize parseImageSize(const std::string& text, const std::string& option) {
  auto x = text.find('x');
  try {
    size_t used = 0;
    int width = std::stoi(text.substr(0, x), &used);
    if (used != (x == std::string::npos ? text.size() : x)) throw std::invalid_argument(text);
    int height = width;
    if (x != std::string::npos) {
      height = std::stoi(text.substr(x + 1), &used);
      if (used != text.size() - x - 1) throw std::invalid_argument(text);
    }
    if (width <= 0 || height <= 0 || width > 8192 || height > 8192) throw std::out_of_range(text);
    return {uint32_t(width), uint32_t(height)};
  } catch (const std::exception&) {
    throw UsageError("--" + option + " expects WIDTHxHEIGHT in pixels (e.g. 512x512), got '" + text + "'");
  }
}

}  // namespace afterimage::cli
