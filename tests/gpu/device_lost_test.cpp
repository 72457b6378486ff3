// VK_ERROR_DEVICE_LOST: check() throws the distinct gpu::DeviceLost (live
// mode rebuilds its Vulkan part on it), and a batch command that meets it
// ends with a line naming the loss and exit code 1.
#include <gtest/gtest.h>

#include "engine/cli/arguments.h"
#include "engine/cli/error_report.h"
#include "engine/gpu/gpu_error.h"

namespace afterimage {
namespace {

TEST(DeviceLost, CheckThrowsDeviceLostForALostDevice) {
  try {
    gpu::check(VK_ERROR_DEVICE_LOST, "vkQueueSubmit");
    FAIL() << "no exception";
  } catch (const gpu::DeviceLost& e) {
    EXPECT_STREQ(e.what(), "vkQueueSubmit failed: VK_ERROR_DEVICE_LOST");
  }
  // Other failures stay plain GpuErrors; DeviceLost is one.
  EXPECT_THROW(
      {
        try {
          gpu::check(VK_ERROR_OUT_OF_DEVICE_MEMORY, "vkAllocateMemory");
        } catch (const gpu::DeviceLost&) {
          FAIL() << "out of memory is not a lost device";
        }
      },
      gpu::GpuError);
  EXPECT_THROW(gpu::check(VK_ERROR_DEVICE_LOST, "vkWaitForFences"), gpu::GpuError);
  EXPECT_NO_THROW(gpu::check(VK_SUCCESS, "vkQueueSubmit"));
}

TEST(DeviceLost, ABatchCommandReportsItClearlyAndFails) {
  auto report = cli::describeError(gpu::DeviceLost("vkWaitForFences failed: VK_ERROR_DEVICE_LOST"));
  EXPECT_EQ(report.exitCode, 1);
  EXPECT_EQ(report.message,
            "the GPU was lost (driver reset or removed): vkWaitForFences failed: VK_ERROR_DEVICE_LOST");
  // The other classes keep their codes.
  EXPECT_EQ(cli::describeError(gpu::GpuUnavailable("no Vulkan")).exitCode, 2);
  EXPECT_EQ(cli::describeError(cli::UsageError("--size")).exitCode, 64);
  auto other = cli::describeError(gpu::GpuError("vkAllocateMemory failed: VK_ERROR_OUT_OF_DEVICE_MEMORY"));
  EXPECT_EQ(other.exitCode, 1);
  EXPECT_EQ(other.message, "vkAllocateMemory failed: VK_ERROR_OUT_OF_DEVICE_MEMORY");
  auto memory = cli::describeError(gpu::OutOfGpuMemory("out of GPU memory: 2600 MiB more needed"));
  EXPECT_EQ(memory.exitCode, 1);
  EXPECT_EQ(memory.message,
            "out of GPU memory: 2600 MiB more needed; choose a smaller --size, fewer --steps, or another GPU (--gpu)");
}

}  // namespace
}  // namespace afterimage
