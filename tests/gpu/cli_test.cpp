// The afterimage executable: device listing, and the one-line errors with
// exit code 2 when Vulkan is missing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

struct Result {
  int exitCode;
  std::string output;
};

Result run(const std::string& command, bool withStderr = true) {
  std::string full = command + (withStderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(full.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

const std::string kBinary = AFTERIMAGE_BINARY;

TEST(Cli, DevicesListsAVulkanDevice) {
  auto r = run(kBinary + " devices");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("Vulkan devices:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fp16 math"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Audio inputs:"), std::string::npos) << r.output;
}

TEST(Cli, DevicesJsonIsValid) {
  auto r = run(kBinary + " devices --json", false);
  ASSERT_EQ(r.exitCode, 0);
  auto json = nlohmann::json::parse(r.output);
  ASSERT_FALSE(json["vulkan_devices"].empty());
  EXPECT_TRUE(json["vulkan_devices"][0].contains("storage_16bit"));
  EXPECT_TRUE(json["audio_inputs"].is_array());
}

TEST(Cli, NoVulkanDriverIsExitCode2WithOneLine) {
  auto r = run("VK_DRIVER_FILES=/nonexistent.json VK_ICD_FILENAMES=/nonexistent.json " + kBinary + " devices");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("mesa-vulkan-drivers"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "expected one line: " << r.output;
}

TEST(Cli, MissingVulkanLoaderIsExitCode2WithOneLine) {
  auto r = run("AFTERIMAGE_VULKAN_LOADER=libvulkan-missing.so.9 " + kBinary + " bench gemm --quick");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("apt-get install libvulkan1"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "expected one line: " << r.output;
}

TEST(Cli, UnknownGpuNameIsExitCode2NamingTheDevices) {
  auto r = run(kBinary + " devices --gpu no-such-gpu");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("no-such-gpu"), std::string::npos) << r.output;
}

TEST(Cli, BenchGemmSelfCheckPasses) {
  auto r = run(kBinary + " bench gemm --sizes 96,130 --repeats 1");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("GFLOP/s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(ok"), std::string::npos) << r.output;
}

TEST(Cli, BenchGemmChecksEachKernelOnTheFirstShape) {
  auto r = run(kBinary + " bench gemm --shapes 40x136x24,33x70x41x3 --transposed --kernel tiled,register --repeats 1");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("self-check 40x136x24 tiled"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("self-check 40x136x24 register"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("B^T register"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("FAILED"), std::string::npos) << r.output;
}

TEST(Cli, BenchGemmRejectsBadShapesAndKernels) {
  EXPECT_EQ(run(kBinary + " bench gemm --shapes 64x64").exitCode, 64);
  EXPECT_EQ(run(kBinary + " bench gemm --shapes 64x0x64").exitCode, 64);
  EXPECT_EQ(run(kBinary + " bench gemm --kernel fastest").exitCode, 64);
}

TEST(Cli, UnknownCommandAndOptionAreUsageErrors) {
  EXPECT_EQ(run(kBinary + " frobnicate").exitCode, 64);
  EXPECT_EQ(run(kBinary + " devices --frob").exitCode, 64);
}

}  // namespace
