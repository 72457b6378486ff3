// Where the project's own default model lives: $AFTERIMAGE_DEFAULT_MODEL,
// else sets/models/default beside the executable's build folder (the
// repository), else in the source tree it was built from. The default set
// is found the same way.
#pragma once
#include <string>

namespace afterimage::pipeline {

// The folder, or a std::runtime_error naming the places looked at.
std::string defaultModelFolder();

// sets/default.toml in the same places (live mode without --set), or a
// std::runtime_error naming them.
std::string defaultSetFile();

}  // namespace afterimage::pipeline
