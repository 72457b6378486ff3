// Tile shapes of the tensor-core GEMM core (shaders/gemm_coopmat.glsl), used
// by the cooperative-matrix matmul and conv2d kernels: how many rows and
// columns of C a workgroup computes, how they split over 32-wide subgroups,
// and how deep the shared-memory tiles are. Chosen per layer from its shape;
// the 16x16x16 matrices inside are what the driver reports (DeviceInfo).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/gpu/device_info.h"

namespace afterimage::nn {

struct CoopmatTile {
  uint32_t rows = 128, columns = 128;            // BM x BN of C per workgroup
  uint32_t warpRows = 64, warpColumns = 32;      // WM x WN per subgroup, multiples of 16
  uint32_t depth = 32;                           // BK, a multiple of 16
  uint32_t stages = 1;                           // shared tiles: 2 double-buffers them (one barrier a step)
  uint32_t threads() const { return rows / warpRows * (columns / warpColumns) * 32; }
  uint32_t sharedBytes(bool bColumnMajor) const;
  std::string name() const;  // "128x128/64x32/32", with "x2" for two stages
  bool operator==(const CoopmatTile&) const = default;
};

// The tiles the kernels are built and benchmarked with, largest first.
const std::vector<CoopmatTile>& coopmatTiles();
// "BMxBN/WMxWN/BK" or "BMxBN/WMxWN/BKx2"; throws std::invalid_argument when malformed or not one a
// workgroup can run (subgroup blocks that do not divide the tile, loads that
// do not divide over the invocations).
CoopmatTile parseCoopmatTile(const std::string& text);

// How an M x N x K product (x batch) runs: the tile, and into how many
// ranges of K its workgroups split (1: none; more only where the caller can
// add the partial sums up, and the tiles alone would leave the GPU idle).
struct CoopmatLaunch {
  CoopmatTile tile;
  uint32_t splits = 1;
};

// "TILE" or "TILE:SPLITS" (SPLITS 1..16); throws std::invalid_argument.
CoopmatLaunch parseCoopmatLaunch(const std::string& text);

// The launch that wastes least: padding (64 output channels in a 128-row
// tile compute 64 rows of zeros), small tiles (each loaded word is reused
// less) and idle multiprocessors (too few workgroups) all count.
CoopmatLaunch chooseCoopmatLaunch(const gpu::DeviceInfo& device, uint32_t M, uint32_t N, uint32_t K, uint32_t batch,
                                  bool bColumnMajor, bool allowSplit);
// The tile alone (no split).
CoopmatTile chooseCoopmatTile(const gpu::DeviceInfo& device, uint32_t M, uint32_t N, uint32_t batch,
                              bool bColumnMajor);

// With emulated cooperative matrices (DeviceInfo::coopmatEmulated): whether
// a GEMM over `depth` (the K of one split) on this tile stays within the
// 65535 loop iterations lavapipe lets an invocation run before it silently
// ends its loops (shaders/coopmat.glsl). Always true without emulation.
bool coopmatEmulationFits(const gpu::DeviceInfo& device, const CoopmatTile& tile, uint32_t depth);

// Specialization constants: the including kernel's own `constants` at ids
// 0.., then the tile at ids 16..21 and the splits at 22 (gemm_coopmat.glsl).
std::vector<uint32_t> coopmatSpecialization(std::vector<uint32_t> constants, const CoopmatTile& tile,
                                            uint32_t splits = 1);

}  // namespace afterimage::nn
