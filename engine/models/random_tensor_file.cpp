#include "engine/models/random_tensor_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "engine/diffusion/seeded_noise.h"
#include "engine/models/model_folder.h"
#include "engine/nn/half.h"
#include "engine/nn/safetensors.h"

namespace afterimage::models {
namespace {

// 1M values (2 MiB of f16) per job: small enough to spread over 16 threads
// and keep memory low, large enough that the job queue costs nothing.
constexpr uint64_t kChunkValues = uint64_t(1) << 20;

constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;  // SplitMix64's increment
// 1 / the deviation of a sum of four uniform 16-bit integers.
const float kUnitDeviation = float(1.0 / std::sqrt(4.0 * (65536.0 * 65536.0 - 1.0) / 12.0));

// Value n of the stream `seed`: approximately normal with unit variance, the
// centred sum of the four 16-bit parts of one SplitMix64 output (Irwin-Hall
// with 4 terms, within +-3.47). Weights for timing need no better; one
// integer hash per value and no libm is 10x faster than Box-Muller in double,
// and the same on every machine.
inline float normalish(uint64_t seed, uint64_t n) {
  uint64_t z = diffusion::splitMix64Mix(seed + (n + 1) * kGoldenGamma);
  uint32_t sum = uint32_t(z & 0xFFFF) + uint32_t((z >> 16) & 0xFFFF) + uint32_t((z >> 32) & 0xFFFF) + uint32_t(z >> 48);
  return (float(sum) - 131070.0f) * kUnitDeviation;  // exact until the one rounding of the product
}

struct Chunk {
  size_t tensor;
  uint64_t first, count;  // elements of that tensor
};

struct Scaling {
  float scale, offset;
};

// Fan-in scaled normal values (norm scales 1, biases small).
Scaling scalingOf(const WeightReader::Requested& t, uint64_t count) {
  bool vector = t.shape.size() == 1;
  float scale = vector ? 0.02f : 1.0f / std::sqrt(float(count / t.shape[0]));
  float offset = vector && t.name.find("norm") != std::string::npos && t.name.ends_with(".weight") ? 1.0f : 0.0f;
  return {scale, offset};
}

void writeAt(int fd, const void* data, size_t bytes, uint64_t offset, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    ssize_t n = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ModelFolderError(path + ": write failed: " + std::strerror(errno));
    p += n, bytes -= size_t(n), offset += uint64_t(n);
  }
}

}  // namespace

void writeRandomTensorFile(const std::string& path, const std::vector<WeightReader::Requested>& shapes, uint64_t seed,
                           unsigned threads) {
  std::vector<nn::TensorRecord> records;
  std::vector<Chunk> chunks;
  uint64_t offset = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    uint64_t count = nn::elementCount(shapes[i].shape);
    records.push_back({shapes[i].name, nn::StoredType::F16,
                       std::vector<int64_t>(shapes[i].shape.begin(), shapes[i].shape.end()), offset, offset + count * 2});
    offset += count * 2;
    for (uint64_t first = 0; first < count; first += kChunkValues)
      chunks.push_back({i, first, std::min(kChunkValues, count - first)});
  }
  std::string prefix = nn::safetensorsPrefix(records, {{"afterimage", "random weights"}});

  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw ModelFolderError(path + ": cannot write: " + std::strerror(errno));
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failureMutex;
  auto work = [&] {
    std::vector<uint16_t> half(kChunkValues);
    try {
      for (size_t c = next++; c < chunks.size(); c = next++) {
        const Chunk& chunk = chunks[c];
        const auto& tensor = shapes[chunk.tensor];
        auto [scale, shift] = scalingOf(tensor, nn::elementCount(tensor.shape));
        uint64_t stream = seed + chunk.tensor;
        for (uint64_t k = 0; k < chunk.count; ++k)
          half[k] = nn::floatToHalf(normalish(stream, chunk.first + k) * scale + shift);
        writeAt(fd, half.data(), chunk.count * 2, prefix.size() + records[chunk.tensor].begin + chunk.first * 2, path);
      }
    } catch (...) {
      std::lock_guard lock(failureMutex);
      if (!failure) failure = std::current_exception();
      next = chunks.size();  // the others stop after their chunk
    }
  };
  try {
    writeAt(fd, prefix.data(), prefix.size(), 0, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<size_t>(threads, std::max<size_t>(1, chunks.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (::close(fd) != 0 && !failure) throw ModelFolderError(path + ": write failed: " + std::strerror(errno));
  if (failure) std::rethrow_exception(failure);
}

}  // namespace afterimage::models
