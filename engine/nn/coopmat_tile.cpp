#include "engine/nn/coopmat_tile.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace afterimage::nn {
namespace {

constexpr uint32_t kFirstTileConstant = 16;
// Fewer workgroups than this leave multiprocessors idle on large GPUs (an
// H200 has 132); a smaller tile then wins even though it reuses less.
constexpr uint32_t kEnoughWorkgroups = 120;
constexpr uint32_t kMaxSplits = 16;

bool runnable(const CoopmatTile& t) {
  auto multiple = [](uint32_t a, uint32_t b) { return b != 0 && a % b == 0; };
  if (!multiple(t.warpRows, 16) || !multiple(t.warpColumns, 16) || !multiple(t.depth, 16)) return false;
  if (!multiple(t.rows, t.warpRows) || !multiple(t.columns, t.warpColumns)) return false;
  uint32_t threads = t.threads();
  if (threads > 1024) return false;
  // gemm_coopmat.glsl moves whole 16-byte words: each invocation the same number.
  return multiple(t.rows * t.depth / 8, threads) && multiple(t.depth * t.columns / 8, threads);
}

}  // namespace

uint32_t CoopmatTile::sharedBytes(bool bColumnMajor) const {
  uint32_t a = rows * (depth / 8 + 1) * 16;
  uint32_t b = bColumnMajor ? columns * (depth / 8 + 1) * 16 : depth * (columns / 8 + 1) * 16;
  uint32_t staging = threads() / 32 * 256 * 4;
  return stages * (a + b) + staging;
}

std::string CoopmatTile::name() const {
  char text[64];
  std::snprintf(text, sizeof text, "%ux%u/%ux%u/%u%s", rows, columns, warpRows, warpColumns, depth,
                stages == 2 ? "x2" : "");
  return text;
}

const std::vector<CoopmatTile>& coopmatTiles() {
  // On an H200, 4096^3: 128x128/64x32/64 193 TFLOP/s, 128x128/64x32/32 172, 128x256/64x64/32 180.
  static const std::vector<CoopmatTile> tiles = {
      {128, 128, 64, 32, 64},
      {128, 64, 32, 32, 32},
      {64, 128, 32, 32, 32},
      {64, 64, 32, 32, 32},
      {32, 64, 16, 32, 32},
  };
  return tiles;
}

CoopmatTile parseCoopmatTile(const std::string& text) {
  CoopmatTile t;
  char end = 0;
  int fields = std::sscanf(text.c_str(), "%ux%u/%ux%u/%ux%u%c", &t.rows, &t.columns, &t.warpRows, &t.warpColumns,
                           &t.depth, &t.stages, &end);
  if ((fields != 5 && fields != 6) || t.stages < 1 || t.stages > 2 || !runnable(t))
    throw std::invalid_argument("tile '" + text +
                                "' is not BMxBN/WMxWN/BK with WM, WN, BK multiples of 16 that divide the tile "
                                "(e.g. 128x128/64x32/32), optionally x2 for two stages");
  return t;
}

CoopmatLaunch parseCoopmatLaunch(const std::string& text) {
  auto colon = text.find(':');
  CoopmatLaunch launch{parseCoopmatTile(text.substr(0, colon)), 1};
  if (colon == std::string::npos) return launch;
  std::string splits = text.substr(colon + 1);
  if (splits.empty() || splits.size() > 2 || splits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(splits) < 1 || std::stoul(splits) > kMaxSplits)
    throw std::invalid_argument("launch '" + text + "': the splits after ':' must be 1 to " +
                                std::to_string(kMaxSplits));
  launch.splits = static_cast<uint32_t>(std::stoul(splits));
  return launch;
}

CoopmatLaunch chooseCoopmatLaunch(const gpu::DeviceInfo& device, uint32_t M, uint32_t N, uint32_t K, uint32_t batch,
                                  bool bColumnMajor, bool allowSplit) {
  CoopmatLaunch best{coopmatTiles().back(), 1};
  double bestCost = 1e300;
  for (const auto& t : coopmatTiles()) {
    if (t.sharedBytes(bColumnMajor) > device.maxComputeSharedMemory) continue;
    uint64_t rowTiles = (M + t.rows - 1) / t.rows, columnTiles = (N + t.columns - 1) / t.columns;
    uint64_t workgroups = rowTiles * columnTiles * batch;
    uint32_t splits = 1;
    if (allowSplit && workgroups < kEnoughWorkgroups) {
      // Each split keeps at least 4 tiles of K, so the partial sums stay worth their memory traffic.
      uint64_t wanted = (2 * kEnoughWorkgroups + workgroups - 1) / workgroups;
      splits = static_cast<uint32_t>(std::max<uint64_t>(1, std::min<uint64_t>({wanted, K / (4 * t.depth), kMaxSplits})));
    }
    double padded = double(rowTiles * t.rows) * double(columnTiles * t.columns);
    double reuse = 1.0 + 64.0 / t.rows + 64.0 / t.columns;
    double idle = std::max(1.0, double(kEnoughWorkgroups) / double(workgroups * splits));
    double cost = padded * reuse * idle;
    if (cost < bestCost) bestCost = cost, best = {t, splits};
  }
  return best;
}

CoopmatTile chooseCoopmatTile(const gpu::DeviceInfo& device, uint32_t M, uint32_t N, uint32_t batch,
                              bool bColumnMajor) {
  return chooseCoopmatLaunch(device, M, N, 0, batch, bColumnMajor, false).tile;
}

bool coopmatEmulationFits(const gpu::DeviceInfo& device, const CoopmatTile& tile, uint32_t depth) {
  if (!device.coopmatEmulated) return true;
  const uint64_t tm = tile.warpRows / 16, tn = tile.warpColumns / 16, steps = (uint64_t(depth) + 15) / 16;
  // Each 16-deep step loads TM + TN matrices and multiplies TM x TN pairs,
  // 16 iterations each; the epilogue stores TM x TN; a row norm measures its
  // row in 2 x K / 8 iterations.
  const uint64_t iterations = steps * 16 * (tm * tn + tm + tn) + (depth + tile.depth - 1) / tile.depth +
                              tm * tn * 16 + uint64_t(depth) / 4;
  return iterations <= 60000;
}

std::vector<uint32_t> coopmatSpecialization(std::vector<uint32_t> constants, const CoopmatTile& tile,
                                            uint32_t splits) {
  constants.resize(kFirstTileConstant, 0);
  constants.insert(constants.end(),
                   {tile.rows, tile.columns, tile.warpRows, tile.warpColumns, tile.threads(), tile.depth, splits,
                    tile.stages});
  return constants;
}

}  // namespace afterimage::nn
