// Where the project's own default model lives: $AFTERIMAGE_DEFAULT_MODEL,
// else sets/models/default beside the executable's build folder (the
// repository), else in the source tree it was built from.
#pragma once
#include <string>

namespace afterimage::pipeline {

// The folder, or a std::runtime_error naming the places looked at.
std::string defaultModelFolder();

}  // namespace afterimage::pipeline
