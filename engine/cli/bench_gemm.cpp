// `afterimage bench gemm`: f16 matrix multiply GFLOP/s, square sizes (--sizes)
// or MxNxK[xBATCH] shapes (--shapes, or "sd" for the SD-Turbo UNet's linear
// and conv-as-GEMM shapes), with each kernel named in --kernel (and the
// tensor-core tiles named in --tile); the first shape is also checked against
// the CPU reference, and every kernel's result against the first kernel's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <sstream>
#include <sys/resource.h>

#include "engine/cli/arguments.h"
#include "engine/cli/bench_support.h"
#include "engine/gpu/command_sequence.h"
#include "engine/nn/half.h"
#include "engine/nn/matmul.h"

namespace afterimage::cli {
namespace {

uint32_t parseDimension(const std::string& item, const std::string& option, const std::string& text) {
  try {
    size_t used = 0;
    int n = std::stoi(item, &used);
    if (used != item.size() || n <= 0 || n > 16384) throw std::out_of_range("size");
    return static_cast<uint32_t>(n);
  } catch (const std::exception&) {
    throw UsageError(option + " expects positive integers up to 16384, got '" + text + "'");
  }
}

std::vector<nn::MatmulShape> parseSquareSizes(const std::string& text) {
  std::vector<nn::MatmulShape> shapes;
  for (const auto& item : splitList(text, ',')) {
    uint32_t n = parseDimension(item, "--sizes", text);
    shapes.push_back({n, n, n});
  }
  return shapes;
}

// The UNet of SD-Turbo (SD 2.1 at 512x512: 64x64 latents, 4096 tokens at
// the first level) as M x N x K: attention projections, the GEGLU feed
// forward, cross-attention keys from the 77x1024 text context, 3x3
// convolutions as GEMM (K = 9 x channels) and attention scores per head.
const char* kSdShapes =
    "4096x320x320,4096x2560x320,4096x320x1280,4096x320x2880,77x320x1024,"
    "1024x640x640,1024x640x5760,256x1280x11520,4096x4096x64x5";

std::vector<nn::MatmulShape> parseShapes(const std::string& text) {
  if (text == "sd") return parseShapes(kSdShapes);
  std::vector<nn::MatmulShape> shapes;
  for (const auto& item : splitList(text, ',')) {
    auto parts = splitList(item, 'x');
    if (parts.size() != 3 && parts.size() != 4)
      throw UsageError("--shapes expects MxNxK or MxNxKxBATCH separated by commas, got '" + item + "'");
    nn::MatmulShape shape{parseDimension(parts[0], "--shapes", item), parseDimension(parts[1], "--shapes", item),
                          parseDimension(parts[2], "--shapes", item)};
    if (parts.size() == 4) shape.batch = parseDimension(parts[3], "--shapes", item);
    shapes.push_back(shape);
  }
  return shapes;
}

std::vector<nn::MatmulKernel> parseKernels(const std::string& text) {
  std::vector<nn::MatmulKernel> kernels;
  for (const auto& item : splitList(text, ',')) {
    try {
      kernels.push_back(nn::parseMatmulKernel(item));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--kernel: ") + e.what());
    }
  }
  return kernels;
}


// User + system time of all threads of this process: on a CPU device the
// driver's worker threads are the "GPU", and on a shared machine CPU
// seconds measure a kernel better than wall time does.
double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

std::string describe(const nn::MatmulShape& s) {
  char text[64];
  if (s.batch > 1)
    std::snprintf(text, sizeof text, "%ux%ux%ux%u", s.M, s.N, s.K, s.batch);
  else
    std::snprintf(text, sizeof text, "%ux%ux%u", s.M, s.N, s.K);
  return text;
}

}  // namespace

int benchGemm(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu", "sizes", "shapes", "kernel", "repeats", "tile"}, {"quick", "transposed"});
  std::vector<nn::MatmulShape> shapes = args.flag("quick") ? parseSquareSizes("128,256,512") : parseSquareSizes("256,512,1024,2048");
  if (auto s = args.value("sizes")) shapes = parseSquareSizes(*s);
  if (auto s = args.value("shapes")) shapes = parseShapes(*s);
  std::vector<nn::MatmulKernel> kernels = parseKernels(args.value("kernel", "auto"));
  // Each --tile runs the tensor-core kernel once more with that tile ("auto": chosen per shape).
  std::vector<std::optional<nn::CoopmatTile>> tiles;
  for (const auto& item : splitList(args.value("tile", "auto"), ',')) {
    try {
      tiles.push_back(item == "auto" ? std::nullopt : std::optional(nn::parseCoopmatTile(item)));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--tile: ") + e.what());
    }
  }
  gpu::Context context({.gpu = args.value("gpu", "")});
  bool transposed = args.flag("transposed");
  int repeats = args.integer("repeats", 3);
  std::printf("device: %s (%s)\n", context.info().name.c_str(), context.info().type.c_str());

  std::mt19937 rng(1234);
  for (size_t index = 0; index < shapes.size(); ++index) {
    nn::MatmulShape shape = shapes[index];
    shape.bTransposed = transposed;
    size_t elementsA = size_t(shape.batch) * shape.M * shape.K, elementsB = size_t(shape.batch) * shape.K * shape.N,
           elementsC = size_t(shape.batch) * shape.M * shape.N;
    auto a = randomHalfValues(elementsA, rng), b = randomHalfValues(elementsB, rng);
    auto& arena = context.arena();
    auto sliceA = arena.allocate(elementsA * 2), sliceB = arena.allocate(elementsB * 2),
         sliceC = arena.allocate(elementsC * 2);
    context.upload(sliceA, nn::toHalf(a).data(), elementsA * 2);
    context.upload(sliceB, nn::toHalf(b).data(), elementsB * 2);
    std::vector<float> expected, first;
    if (index == 0) expected = nn::matmulReference(shape, a, b, {});

    std::vector<std::pair<nn::MatmulKernel, std::optional<nn::CoopmatTile>>> runs;
    for (auto kernel : kernels) {
      bool coopmat = kernel == nn::MatmulKernel::Coopmat ||
                     (kernel == nn::MatmulKernel::Auto && nn::coopmatMatmulFits(context.info(), shape));
      if (!coopmat) runs.push_back({kernel, std::nullopt});
      for (size_t t = 0; coopmat && t < tiles.size(); ++t) runs.push_back({kernel, tiles[t]});
    }
    for (auto [requested, tile] : runs) {
      gpu::CommandSequence sequence(context);
      sequence.begin();
      nn::MatmulKernel kernel =
          nn::recordMatmul(context, sequence, shape, sliceA, sliceB, {}, sliceC, requested, tile ? &*tile : nullptr);
      sequence.timestamp("gemm");
      sequence.end();
      sequence.run();  // warm-up: drivers may compile the pipeline on first use
      double best = 1e30, cpuSeconds = processCpuSeconds();
      int runs = std::max(1, repeats);
      for (int r = 0; r < runs; ++r) {
        sequence.run();
        best = std::min(best, sequence.totalMilliseconds());
      }
      cpuSeconds = processCpuSeconds() - cpuSeconds;
      std::string name = nn::matmulKernelName(kernel);
      if (kernel == nn::MatmulKernel::Coopmat)
        name += " " + (tile ? *tile : nn::chooseCoopmatTile(context.info(), shape.M, shape.N, shape.batch,
                                                          shape.bTransposed)).name();
      std::printf("gemm %-16s%s %-24s f16->f32 acc: %9.3f ms  %8.1f GFLOP/s", describe(shape).c_str(),
                  transposed ? " B^T" : "", name.c_str(), best, shape.flops() / (best * 1e6));
      if (context.info().type == "cpu")
        std::printf("  %8.1f GFLOP per CPU-second", shape.flops() * runs / (cpuSeconds * 1e9));
      std::printf("\n");

      std::vector<uint16_t> c(elementsC);
      context.download(sliceC, c.data(), elementsC * 2);
      std::vector<float> result(elementsC);
      for (size_t i = 0; i < elementsC; ++i) result[i] = nn::halfToFloat(c[i]);
      if (first.empty()) {
        first = result;
      } else {
        double relative = relativeL2(result, first);
        std::printf("self-check %s %s against the first kernel: relative L2 error %.2e (%s, limit 2e-3)\n",
                    describe(shape).c_str(), name.c_str(), relative, relative < 2e-3 ? "ok" : "FAILED");
        if (!(relative < 2e-3)) return 1;
      }
      if (index == 0) {
        double error = 0, norm = 0;
        for (size_t i = 0; i < elementsC; ++i) {
          double d = result[i] - expected[i];
          error += d * d, norm += double(expected[i]) * expected[i];
        }
        double relative = std::sqrt(error / norm);
        std::printf("self-check %s %s against the CPU reference: relative L2 error %.2e (%s, limit 2e-3)\n",
                    describe(shape).c_str(), name.c_str(), relative,
                    relative < 2e-3 ? "ok" : "FAILED");
        if (!(relative < 2e-3)) return 1;
      }
    }
    arena.release(sliceA), arena.release(sliceB), arena.release(sliceC);
  }
  return 0;
}

}  // namespace afterimage::cli
