// `afterimage devices [--json]`: the Vulkan devices with the features the
// engine uses, and the audio inputs.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "audio/input_devices.h"
#include "engine/cli/arguments.h"
#include "engine/cli/commands.h"
#include "engine/gpu/gpu_error.h"
#include "engine/gpu/instance.h"

namespace afterimage::cli {
namespace {

const char* yesNo(bool b) { return b ? "yes" : "no"; }

nlohmann::json toJson(const gpu::DeviceInfo& d, bool chosen) {
  return {{"index", d.index},
          {"name", d.name},
          {"type", d.type},
          {"driver", d.driver},
          {"api_version", d.apiVersion},
          {"device_local_bytes", d.deviceLocalBytes},
          {"fp16_arithmetic", d.fp16Arithmetic},
          {"storage_16bit", d.storage16Bit},
          {"int8_arithmetic", d.int8Arithmetic},
          {"storage_8bit", d.storage8Bit},
          {"subgroup_size", d.subgroupSize},
          {"cooperative_matrix", d.cooperativeMatrix},
          {"tensor_core_kernels", d.tensorCores},
          {"cooperative_matrix_shapes", d.cooperativeMatrixShapes},
          {"push_descriptors", d.pushDescriptors},
          {"timestamps", d.timestamps},
          {"chosen", chosen}};
}

}  // namespace

int runDevices(const CommandArgs& rawArgs) {
  Arguments args(rawArgs, {"gpu"}, {"json"});
  gpu::Instance instance(false);
  auto devices = instance.devices();
  std::string request = args.value("gpu", std::getenv("AFTERIMAGE_GPU") ? std::getenv("AFTERIMAGE_GPU") : "");
  const gpu::DeviceInfo& chosen = gpu::chooseDevice(devices, request);
  auto audio = audio::listInputDevices();

  if (args.flag("json")) {
    nlohmann::json out;
    out["vulkan_devices"] = nlohmann::json::array();
    for (const auto& d : devices) out["vulkan_devices"].push_back(toJson(d, d.index == chosen.index));
    out["audio_inputs"] = nlohmann::json::array();
    for (const auto& a : audio.devices) {
      out["audio_inputs"].push_back({{"index", a.index},
                                     {"name", a.name},
                                     {"host_api", a.hostApi},
                                     {"channels", a.channels},
                                     {"default_sample_rate", a.defaultSampleRate},
                                     {"default", a.isDefault}});
    }
    if (!audio.error.empty()) out["audio_error"] = audio.error;
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }

  std::printf("Vulkan devices:\n");
  for (const auto& d : devices) {
    std::printf("%s %u: %s (%s)\n", d.index == chosen.index ? "*" : " ", d.index, d.name.c_str(), d.type.c_str());
    std::printf("      driver %s, Vulkan %s, %.1f GiB device memory\n", d.driver.c_str(), d.apiVersion.c_str(),
                double(d.deviceLocalBytes) / (1 << 30));
    std::printf("      fp16 math %s, 16-bit storage %s, int8 math %s, subgroup %u, cooperative matrix %s\n",
                yesNo(d.fp16Arithmetic), yesNo(d.storage16Bit), yesNo(d.int8Arithmetic), d.subgroupSize,
                yesNo(d.cooperativeMatrix));
    std::printf("      tensor-core kernels %s%s\n", yesNo(d.tensorCores),
                d.tensorCores ? " (VK_NV_cooperative_matrix 16x16x16 f16 -> f32; AFTERIMAGE_COOPMAT=0 turns them off)" : "");
    if (!d.cooperativeMatrixShapes.empty()) {
      std::string shapes;
      for (const auto& shape : d.cooperativeMatrixShapes) shapes += (shapes.empty() ? "" : ", ") + shape;
      std::printf("      cooperative matrices: %s\n", shapes.c_str());
    }
  }
  std::printf("  (* = used; choose with --gpu NAME|INDEX or AFTERIMAGE_GPU)\n\nAudio inputs:\n");
  if (!audio.error.empty()) std::printf("  PortAudio could not start: %s\n", audio.error.c_str());
  if (audio.devices.empty() && audio.error.empty()) std::printf("  none found\n");
  for (const auto& a : audio.devices) {
    std::printf("%s %d: %s [%s] %d ch, %.0f Hz\n", a.isDefault ? "*" : " ", a.index, a.name.c_str(),
                a.hostApi.c_str(), a.channels, a.defaultSampleRate);
  }
  return 0;
}

}  // namespace afterimage::cli
