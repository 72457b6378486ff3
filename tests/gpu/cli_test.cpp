// The afterimage executable: device listing, and the one-line errors with
// exit code 2 when Vulkan is missing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <cstdio>
#include <string>
#include <vector>
#include <unistd.h>

#include "tests/support/temp_path.h"
#include "tests/support/run_command.h"

namespace {

using afterimage::testing::CommandResult;

CommandResult run(const std::vector<std::string>& argv, bool withStderr = true,
                  const afterimage::testing::Environment& environment = {}) {
  return afterimage::testing::runCommand(argv, withStderr, environment);
}

const std::string kBinary = AFTERIMAGE_BINARY;

TEST(Cli, DevicesListsAVulkanDevice) {
  auto r = run({kBinary, "devices"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("Vulkan devices:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fp16 math"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Audio inputs:"), std::string::npos) << r.output;
}

// PortAudio's ALSA probe aborts the process when ALSA has no configuration
// (minimal containers, the GPU machines this project borrows).
TEST(Cli, DevicesWithoutAlsaConfigurationSaysSoInsteadOfCrashing) {
  auto r = run({kBinary, "devices"}, true, {{"ALSA_CONFIG_PATH", "/nonexistent/alsa.conf"}});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("Vulkan devices:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ALSA has no configuration"), std::string::npos) << r.output;
}

// Each divided by zero (SIGFPE) before it was checked.
TEST(Cli, ZeroSizedBenchmarksAreUsageErrors) {
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {kBinary, "bench", "attention", "--head-dim", "0"},
           {kBinary, "bench", "attention", "--heads", "0"},
           {kBinary, "bench", "tae", "--latent-channels", "0"}}) {
    auto r = run(argv);
    EXPECT_EQ(r.exitCode, 64) << argv[2] << " " << argv[3] << ": " << r.output;
    EXPECT_NE(r.output.find(argv[3]), std::string::npos) << r.output;
  }
}

TEST(Cli, DevicesJsonIsValid) {
  auto r = run({kBinary, "devices", "--json"}, false);
  ASSERT_EQ(r.exitCode, 0);
  auto json = nlohmann::json::parse(r.output);
  ASSERT_FALSE(json["vulkan_devices"].empty());
  EXPECT_TRUE(json["vulkan_devices"][0].contains("storage_16bit"));
  EXPECT_TRUE(json["audio_inputs"].is_array());
}

TEST(Cli, NoVulkanDriverIsExitCode2WithOneLine) {
  auto r = run({kBinary, "devices"}, true,
               {{"VK_DRIVER_FILES", "/nonexistent.json"}, {"VK_ICD_FILENAMES", "/nonexistent.json"}});
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("mesa-vulkan-drivers"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "expected one line: " << r.output;
}

TEST(Cli, MissingVulkanLoaderIsExitCode2WithOneLine) {
  auto r = run({kBinary, "bench", "gemm", "--quick"}, true, {{"AFTERIMAGE_VULKAN_LOADER", "libvulkan-missing.so.9"}});
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("apt-get install libvulkan1"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "expected one line: " << r.output;
}

TEST(Cli, UnknownGpuNameIsExitCode2NamingTheDevices) {
  auto r = run({kBinary, "devices", "--gpu", "no-such-gpu"});
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("no-such-gpu"), std::string::npos) << r.output;
}

TEST(Cli, BenchGemmSelfCheckPasses) {
  auto r = run({kBinary, "bench", "gemm", "--sizes", "96,130", "--repeats", "1"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("GFLOP/s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(ok"), std::string::npos) << r.output;
}

TEST(Cli, BenchConv2dReportsGflops) {
  auto r = run({kBinary, "bench", "conv2d", "--sizes", "12", "--repeats", "1"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("conv2d 3x3  64->64"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("GFLOP/s"), std::string::npos) << r.output;
}

TEST(Cli, BenchGemmChecksEachKernelOnTheFirstShape) {
  auto r = run({kBinary, "bench", "gemm", "--shapes", "40x136x24,33x70x41x3", "--transposed", "--kernel", "tiled,register",
                "--repeats", "1"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("self-check 40x136x24 tiled"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("self-check 40x136x24 register"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("B^T register"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("FAILED"), std::string::npos) << r.output;
}

TEST(Cli, BenchGemmRejectsBadShapesAndKernels) {
  EXPECT_EQ(run({kBinary, "bench", "gemm", "--shapes", "64x64"}).exitCode, 64);
  EXPECT_EQ(run({kBinary, "bench", "gemm", "--shapes", "64x0x64"}).exitCode, 64);
  EXPECT_EQ(run({kBinary, "bench", "gemm", "--kernel", "fastest"}).exitCode, 64);
}

TEST(Cli, UnknownCommandAndOptionAreUsageErrors) {
  EXPECT_EQ(run({kBinary, "frobnicate"}).exitCode, 64);
  EXPECT_EQ(run({kBinary, "devices", "--frob"}).exitCode, 64);
}

}  // namespace

namespace {

const std::string kTinyModel = std::string(AFTERIMAGE_SOURCE_DIR) + "/tests/golden/models/tiny_pipeline";

TEST(Cli, GenerateWritesAPictureOfTheRequestedSize) {
  std::string out = afterimage::testing::uniqueTempPath("generate.png").string();
  std::remove(out.c_str());
  auto r = run({kBinary, "generate", "--model", kTinyModel, "--prompt", "a misty forest:0.7, neon city:0.3", "--steps", "2",
                "--size", "64x96", "--seed", "3", "-o", out});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("64x96, 2 UNet step(s) at t=999 499"), std::string::npos) << r.output;
  FILE* f = std::fopen(out.c_str(), "rb");
  ASSERT_NE(f, nullptr) << "no " << out;
  unsigned char header[24];
  ASSERT_EQ(std::fread(header, 1, 24, f), 24u);
  std::fclose(f);
  EXPECT_EQ(header[19], 64);  // PNG IHDR width, big-endian
  EXPECT_EQ(header[23], 96);
}

TEST(Cli, GenerateFromABrokenFolderNamesWhatIsMissing) {
  auto r = run({kBinary, "generate", "--model", std::string(AFTERIMAGE_SOURCE_DIR) + "/tests", "--prompt", "x", "-o",
                "/tmp/x.png"});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("unet/config.json: missing"), std::string::npos) << r.output;
}

// A picture beyond the GPU memory given ($AFTERIMAGE_GPU_MEMORY_MIB here;
// the heap's size on a real GPU) is one line before anything runs.
TEST(Cli, GenerateBeyondTheGpuMemoryIsOneLineWithWhatToChange) {
  std::string out = afterimage::testing::uniqueTempPath("too_big.png").string();
  auto r = run({kBinary, "generate", "--model", kTinyModel, "--prompt", "x", "--size", "1024x1024", "-o", out}, true,
               {{"AFTERIMAGE_GPU_MEMORY_MIB", "32"}});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("afterimage: error: out of GPU memory: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("of the 32 MiB it may use already taken, for the activations ("), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("; choose a smaller --size, fewer --steps, or another GPU (--gpu)"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  auto bad = run({kBinary, "generate", "--model", kTinyModel, "--prompt", "x", "--size", "64x64", "-o", out}, true,
                 {{"AFTERIMAGE_GPU_MEMORY_MIB", "lots"}});
  EXPECT_EQ(bad.exitCode, 1) << bad.output;
  EXPECT_NE(bad.output.find("AFTERIMAGE_GPU_MEMORY_MIB: 'lots' is not a positive whole number of MiB"),
            std::string::npos)
      << bad.output;
}

TEST(Cli, ModelsCheckPrintsTheParts) {
  auto r = run({kBinary, "models", "check", kTinyModel, "--size", "128x128"});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("heads [2, 4]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("4 latent channels"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("at 128x128"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("weights       all finite"), std::string::npos) << r.output;
}

// A NaN in the weights would turn every frame to NaN: `models check` names it.
TEST(Cli, ModelsCheckNamesANonFiniteWeight) {
  namespace fs = std::filesystem;
  fs::path dir = afterimage::testing::uniqueTempPath("nan_model");
  fs::remove_all(dir);
  fs::copy(kTinyModel, dir, fs::copy_options::recursive);
  fs::path weights = dir / "unet" / "diffusion_pytorch_model.safetensors";
  std::string name;
  {
    std::fstream file(weights, std::ios::in | std::ios::out | std::ios::binary);
    uint64_t headerBytes = 0;
    file.read(reinterpret_cast<char*>(&headerBytes), 8);
    std::string header(headerBytes, '\0');
    file.read(header.data(), static_cast<std::streamsize>(headerBytes));
    auto tensors = nlohmann::json::parse(header);
    for (const auto& [key, value] : tensors.items()) {
      if (key == "__metadata__") continue;
      name = key;
      size_t size = value["dtype"] == "F32" ? 4 : 2;
      file.seekp(static_cast<std::streamoff>(8 + headerBytes + value["data_offsets"][0].get<uint64_t>()));
      file.write(std::string(size, '\xff').data(), static_cast<std::streamsize>(size));  // all ones: NaN
      break;
    }
  }
  auto r = run({kBinary, "models", "check", dir.string(), "--size", "64x64"});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("tensor '" + name + "' element 0 holds NaN or infinity"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(weights.string()), std::string::npos) << r.output;
  fs::remove_all(dir);
}

}  // namespace

namespace {

// Issue 4's full-size check: a folder of SD-Turbo's shapes (1.2G parameters,
// random f16 weights) loads, plans at 512x512 within 3 GB of GPU memory, and
// runs one 256x256 step end to end. Slow on lavapipe (about two minutes).
TEST(Cli, FullSizeSdTurboFolderLoadsPlansAndRuns) {
  std::string dir = afterimage::testing::uniqueTempPath("sd_turbo_random").string();
  std::string tokenizer = std::string(AFTERIMAGE_SOURCE_DIR) + "/tests/golden/tokenizer/clip_cut";
  auto made = run({kBinary, "models", "random", dir, "--tokenizer", tokenizer});
  ASSERT_EQ(made.exitCode, 0) << made.output;

  auto check = run({kBinary, "models", "check", dir, "--size", "512x512"});
  std::printf("%s", check.output.c_str());
  EXPECT_EQ(check.exitCode, 0);
  EXPECT_NE(check.output.find("865.9M parameters"), std::string::npos);
  auto at = check.output.find("peak GPU memory in use: ");
  ASSERT_NE(at, std::string::npos);
  double peakMiB = std::stod(check.output.substr(at + 24));
  EXPECT_LT(peakMiB, 3072.0) << "SD-Turbo at 512x512 must fit in 3 GB";

  std::string out = dir + "/out.png";
  auto generated = run({kBinary, "generate", "--model", dir, "--prompt", "a misty forest", "--size", "256x256", "-o", out});
  std::printf("%s", generated.output.c_str());
  EXPECT_EQ(generated.exitCode, 0);
  EXPECT_NE(generated.output.find("256x256, 1 UNet step(s) at t=999"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
