// Tile and split choice of the tensor-core kernels (engine/nn/coopmat_tile.*):
// pure arithmetic, checked without a device that has them.
#include <gtest/gtest.h>

#include "engine/nn/coopmat_tile.h"

namespace afterimage {
namespace {

gpu::DeviceInfo nvidiaLike() {
  gpu::DeviceInfo device;
  device.tensorCores = true;
  device.subgroupSize = 32;
  device.maxComputeSharedMemory = 48 * 1024;
  return device;
}

TEST(CoopmatTile, ParsesNamesAndRefusesTilesAWorkgroupCannotRun) {
  auto tile = nn::parseCoopmatTile("128x128/64x32/32x2");
  EXPECT_EQ(tile.rows, 128u);
  EXPECT_EQ(tile.warpColumns, 32u);
  EXPECT_EQ(tile.stages, 2u);
  EXPECT_EQ(tile.threads(), 256u);
  EXPECT_EQ(tile.name(), "128x128/64x32/32x2");
  EXPECT_EQ(nn::parseCoopmatTile("64x64/32x32/32").stages, 1u);
  for (const char* bad : {"128x128/64x24/32", "128x128/48x32/32", "128x128/64x32/24", "64x64/32x32/32x3",
                          "128x128"})
    EXPECT_THROW(nn::parseCoopmatTile(bad), std::invalid_argument) << bad;
}

TEST(CoopmatTile, ParsesLaunchesWithOptionalSplits) {
  EXPECT_EQ(nn::parseCoopmatLaunch("128x64/32x32/32").splits, 1u);
  auto launch = nn::parseCoopmatLaunch("128x128/64x32/64:3");
  EXPECT_EQ(launch.tile.name(), "128x128/64x32/64");
  EXPECT_EQ(launch.splits, 3u);
  for (const char* bad : {"128x64/32x32/32:", "128x64/32x32/32:0", "128x64/32x32/32:17", "128x64/32x32/32:x",
                          "128x64/32x32/32:-1", "128x64/32x32/32:123", "128x64/40x32/32:2"})
    EXPECT_THROW(nn::parseCoopmatLaunch(bad), std::invalid_argument) << bad;
}

TEST(CoopmatTile, EveryListedTileFitsNvidiasSharedMemory) {
  for (const auto& t : nn::coopmatTiles()) {
    EXPECT_LE(t.sharedBytes(false), 48u * 1024) << t.name();
    EXPECT_LE(t.sharedBytes(true), 48u * 1024) << t.name();
    EXPECT_NO_THROW(nn::parseCoopmatTile(t.name())) << t.name();
  }
}

// matmul_coopmat.comp keeps a row norm's mean and scale (2 floats a row) in
// the epilogue's staging area, 256 floats per subgroup.
TEST(CoopmatTile, EveryListedTileHoldsItsRowStatisticsInTheStagingArea) {
  for (const auto& t : nn::coopmatTiles()) EXPECT_LE(2 * t.rows, t.threads() / 32 * 256) << t.name();
}

TEST(CoopmatTile, LargeProductsTakeTheLargestTileWithoutSplitting) {
  auto launch = nn::chooseCoopmatLaunch(nvidiaLike(), 4096, 4096, 4096, 1, false, true);
  EXPECT_EQ(launch.tile.rows * launch.tile.columns, 128u * 128u) << launch.tile.name();
  EXPECT_EQ(launch.splits, 1u);
}

TEST(CoopmatTile, SixtyFourOutputChannelsDoNotPadToAHundredAndTwentyEightRows) {
  // The tiny autoencoder's 64-channel convolutions at 512x512.
  auto launch = nn::chooseCoopmatLaunch(nvidiaLike(), 64, 512 * 512, 576, 1, false, true);
  EXPECT_EQ(launch.tile.rows, 64u) << launch.tile.name();
  EXPECT_EQ(launch.splits, 1u);
}

TEST(CoopmatTile, SmallLayersWithLongSumsSplitK) {
  // SD-Turbo's 1280-channel 3x3 convolutions at 8x8: 64 pixels, K = 11520.
  auto launch = nn::chooseCoopmatLaunch(nvidiaLike(), 1280, 64, 11520, 1, false, true);
  uint32_t workgroups = (1280 / launch.tile.rows) * ((64 + launch.tile.columns - 1) / launch.tile.columns);
  EXPECT_GT(launch.splits, 1u);
  EXPECT_GE(workgroups * launch.splits, 120u) << launch.tile.name() << " split " << launch.splits;
  // Each split keeps at least 4 tiles of K.
  EXPECT_GE(11520u / launch.splits, 4 * launch.tile.depth);
  // Where the kernel cannot add the splits up (matmul) nothing splits.
  EXPECT_EQ(nn::chooseCoopmatLaunch(nvidiaLike(), 1280, 64, 11520, 1, false, false).splits, 1u);
}

TEST(CoopmatTile, SpecializationPutsTheTileAfterTheKernelsOwnConstants) {
  auto constants = nn::coopmatSpecialization({3, 1}, nn::parseCoopmatTile("128x64/32x32/32x2"), 4);
  ASSERT_EQ(constants.size(), 24u);
  EXPECT_EQ(constants[0], 3u);
  EXPECT_EQ(constants[1], 1u);
  EXPECT_EQ(constants[2], 0u);
  EXPECT_EQ((std::vector<uint32_t>(constants.begin() + 16, constants.end())),
            (std::vector<uint32_t>{128, 64, 32, 32, 256, 32, 4, 2}));
}

}  // namespace
}  // namespace afterimage
