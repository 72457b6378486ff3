// Set files: text -> bounds check -> toml++ -> Set, then the Set written back
// (what "save set" does) and read again. A set is edited by hand and
// hot-reloaded mid-show, so no text may crash the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/pipeline/set_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace afterimage::pipeline;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    Set set = parseSet(text, "fuzz.toml");
    parseSet(formatSet(set, "fuzz.toml"), "fuzz.toml");
  } catch (const SetError&) {
  }
  return 0;
}
