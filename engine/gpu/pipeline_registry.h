// Compute pipelines by (shader, specialization constants), created once and
// kept. Layouts are uniform: set 0 holds `bindings` storage buffers written
// with push descriptors, plus one push-constant block. The driver's pipeline
// cache is loaded from and saved to disk so later starts compile nothing.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/gpu/spirv_buffer_access.h"
#include "engine/gpu/vulkan_functions.h"

namespace afterimage::gpu {

struct ComputePipeline {
  std::string shader;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  uint32_t bindings = 0;
  uint32_t pushConstantBytes = 0;
  std::vector<BufferAccess> access;  // per binding, reflected from the shader
};

struct PipelineSpec {
  std::string shader;
  uint32_t bindings = 0;
  uint32_t pushConstantBytes = 0;
  std::vector<uint32_t> specialization;  // constant_id i = specialization[i]
  auto operator<=>(const PipelineSpec&) const = default;
};

class PipelineRegistry {
 public:
  // cacheFile: where the driver's pipeline cache lives; empty = no disk cache.
  // emulatedCoopmat: a shader named "*_coopmat" is built from its
  // "*_coopmat_emulated" module (DeviceInfo::coopmatEmulated).
  PipelineRegistry(VkDevice device, std::string cacheFile, bool emulatedCoopmat = false);
  ~PipelineRegistry();  // saves the cache
  PipelineRegistry(const PipelineRegistry&) = delete;
  PipelineRegistry& operator=(const PipelineRegistry&) = delete;

  const ComputePipeline& get(const PipelineSpec& spec);
  uint64_t pipelinesCreated() const { return created_; }
  void saveCache() const;
  const std::string& cacheFile() const { return cacheFile_; }

 private:
  VkDevice device_;
  std::string cacheFile_;
  bool emulatedCoopmat_;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  std::map<PipelineSpec, std::unique_ptr<ComputePipeline>> pipelines_;
  uint64_t created_ = 0;
  std::mutex mutex_;
};

}  // namespace afterimage::gpu
