#include "engine/nn/coopmat_tile.h"

#include <cstdio>
#include <stdexcept>

namespace afterimage::nn {
namespace {

constexpr uint32_t kFirstTileConstant = 16;
// Fewer workgroups than this leave multiprocessors idle on large GPUs (an
// H200 has 132); a smaller tile then wins even though it reuses less.
constexpr uint32_t kEnoughWorkgroups = 120;

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
  return a + b + staging;
}

std::string CoopmatTile::name() const {
  char text[64];
  std::snprintf(text, sizeof text, "%ux%u/%ux%u/%u", rows, columns, warpRows, warpColumns, depth);
  return text;
}

const std::vector<CoopmatTile>& coopmatTiles() {
  static const std::vector<CoopmatTile> tiles = {
      {128, 128, 64, 32, 32},
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
  if (std::sscanf(text.c_str(), "%ux%u/%ux%u/%u%c", &t.rows, &t.columns, &t.warpRows, &t.warpColumns, &t.depth,
                  &end) != 5 ||
      !runnable(t))
    throw std::invalid_argument("tile '" + text +
                                "' is not BMxBN/WMxWN/BK with WM, WN, BK multiples of 16 that divide the tile "
                                "(e.g. 128x128/64x32/32)");
  return t;
}

CoopmatTile chooseCoopmatTile(const gpu::DeviceInfo& device, uint32_t M, uint32_t N, uint32_t batch,
                              bool bColumnMajor) {
  // Of the tiles that keep the GPU busy, the one that wastes the least work on
  // padding (64 output channels in a 128-row tile compute 64 rows of zeros);
  // on a tie the larger, which reuses each loaded word more.
  const CoopmatTile* best = nullptr;
  uint64_t bestPadded = 0;
  for (const auto& t : coopmatTiles()) {
    if (t.sharedBytes(bColumnMajor) > device.maxComputeSharedMemory) continue;
    uint64_t rowTiles = (M + t.rows - 1) / t.rows, columnTiles = (N + t.columns - 1) / t.columns;
    if (rowTiles * columnTiles * batch < kEnoughWorkgroups) continue;
    uint64_t padded = rowTiles * t.rows * columnTiles * t.columns;
    if (!best || padded < bestPadded) best = &t, bestPadded = padded;
  }
  return best ? *best : coopmatTiles().back();
}

std::vector<uint32_t> coopmatSpecialization(std::vector<uint32_t> constants, const CoopmatTile& tile) {
  constants.resize(kFirstTileConstant, 0);
  constants.insert(constants.end(),
                   {tile.rows, tile.columns, tile.warpRows, tile.warpColumns, tile.threads(), tile.depth});
  return constants;
}

}  // namespace afterimage::nn
