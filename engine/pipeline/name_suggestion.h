// "Did you mean" for names a user typed (set keys, features, parameters,
// styles): the closest known name when it is close enough to be a typo.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace afterimage::pipeline {

// " (did you mean 'zoom'?)" when one of `names` is within a typo's distance
// of `written` (2 edits, or a third of its length for long names); else "".
std::string suggestion(std::string_view written, const std::vector<std::string>& names);

}  // namespace afterimage::pipeline
