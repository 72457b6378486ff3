// A complete model folder of SD-Turbo's shapes (UNet, OpenCLIP-H text
// encoder, TAESD) with seeded random f16 weights: full-size benchmarks and
// the memory check where the real weights are not at hand. The pictures it
// makes are noise; its timing and memory are the real model's.
#pragma once
#include <cstdint>
#include <string>

#include "engine/gpu/context.h"

namespace afterimage::models {

// tokenizerDir: a CLIP tokenizer folder (vocab.json, merges.txt, ...) copied
// into DIR/tokenizer (ids must be below 49408). threads: how many make the
// weights (0: one per hardware thread); the files are the same for any.
void writeRandomSdTurboFolder(gpu::Context& context, const std::string& dir, const std::string& tokenizerDir,
                              uint64_t seed, unsigned threads = 0);

}  // namespace afterimage::models
