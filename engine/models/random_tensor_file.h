// A safetensors file of seeded random f16 tensors, made on many threads and
// streamed to disk: SD-Turbo's 866M parameters in seconds instead of half a
// minute, without holding them in memory. Element n of tensor i is a
// counter-based function of (seed + i, n): an approximately normal value
// (random_tensor_file.cpp) scaled by fan-in (vectors: 0.02, plus 1 for norm
// weights). So the bytes depend on the seed only, never on the thread count
// or on how the work is split.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/models/weight_reader.h"

namespace afterimage::models {

// threads 0: one per hardware thread. Throws ModelFolderError.
void writeRandomTensorFile(const std::string& path, const std::vector<WeightReader::Requested>& shapes, uint64_t seed,
                           unsigned threads = 0);

}  // namespace afterimage::models
