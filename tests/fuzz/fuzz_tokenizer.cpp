// The CLIP BPE tokenizer on arbitrary prompt bytes (invalid UTF-8 included):
// prompts come from the panel, OSC and set files. The vocabulary is the cut
// CLIP vocabulary of the tokenizer tests.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/text/clip_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using afterimage::text::ClipTokenizer;
  static const ClipTokenizer tokenizer = ClipTokenizer::load(AFTERIMAGE_SOURCE_DIR "/tests/golden/tokenizer/clip_cut");
  std::string_view prompt(reinterpret_cast<const char*>(data), size);
  auto ids = tokenizer.encode(prompt);
  if (int(ids.size()) != tokenizer.maxLength()) __builtin_trap();  // encode always pads/truncates to maxLength
  tokenizer.tokenize(prompt);
  return 0;
}
