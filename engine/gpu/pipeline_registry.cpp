#include "engine/gpu/pipeline_registry.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine/gpu/gpu_error.h"
#include "engine/gpu/shader_library.h"

namespace afterimage::gpu {

PipelineRegistry::PipelineRegistry(VkDevice device, std::string cacheFile, bool emulatedCoopmat)
    : device_(device), cacheFile_(std::move(cacheFile)), emulatedCoopmat_(emulatedCoopmat) {
  std::vector<char> data;
  if (!cacheFile_.empty()) {
    std::ifstream in(cacheFile_, std::ios::binary);
    if (in) data.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The driver checks the header (vendor, device, cache UUID) and ignores a
  // cache from another driver, so a stale file is harmless.
  VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  info.initialDataSize = data.size();
  info.pInitialData = data.empty() ? nullptr : data.data();
  if (vkCreatePipelineCache(device_, &info, nullptr, &cache_) != VK_SUCCESS) {
    info.initialDataSize = 0;
    info.pInitialData = nullptr;
    check(vkCreatePipelineCache(device_, &info, nullptr, &cache_), "vkCreatePipelineCache");
  }
}

PipelineRegistry::~PipelineRegistry() {
  try {
    saveCache();
  } catch (...) {
    // A cache we cannot write only costs compile time on the next start.
  }
  for (auto& [spec, p] : pipelines_) {
    vkDestroyPipeline(device_, p->pipeline, nullptr);
    vkDestroyPipelineLayout(device_, p->layout, nullptr);
    vkDestroyDescriptorSetLayout(device_, p->setLayout, nullptr);
  }
  vkDestroyPipelineCache(device_, cache_, nullptr);
}

void PipelineRegistry::saveCache() const {
  if (cacheFile_.empty() || created_ == 0) return;
  size_t size = 0;
  check(vkGetPipelineCacheData(device_, cache_, &size, nullptr), "vkGetPipelineCacheData");
  std::vector<char> data(size);
  check(vkGetPipelineCacheData(device_, cache_, &size, data.data()), "vkGetPipelineCacheData");
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(cacheFile_).parent_path(), ec);
  std::string temporary = cacheFile_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(size));
    if (!out) return;
  }
  fs::rename(temporary, cacheFile_, ec);  // atomic: readers never see half a file
}

const ComputePipeline& PipelineRegistry::get(const PipelineSpec& spec) {
  std::lock_guard lock(mutex_);
  auto found = pipelines_.find(spec);
  if (found != pipelines_.end()) return *found->second;

  auto p = std::make_unique<ComputePipeline>();
  p->shader = spec.shader;
  p->bindings = spec.bindings;
  p->pushConstantBytes = spec.pushConstantBytes;

  try {
    std::vector<VkDescriptorSetLayoutBinding> bindings(spec.bindings);
    for (uint32_t i = 0; i < spec.bindings; ++i) {
      bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    }
    VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setInfo.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
    setInfo.bindingCount = spec.bindings;
    setInfo.pBindings = bindings.data();
    check(vkCreateDescriptorSetLayout(device_, &setInfo, nullptr, &p->setLayout), "vkCreateDescriptorSetLayout");

    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, spec.pushConstantBytes};
    VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layoutInfo.setLayoutCount = 1;
    layoutInfo.pSetLayouts = &p->setLayout;
    layoutInfo.pushConstantRangeCount = spec.pushConstantBytes ? 1 : 0;
    layoutInfo.pPushConstantRanges = &range;
    check(vkCreatePipelineLayout(device_, &layoutInfo, nullptr, &p->layout), "vkCreatePipelineLayout");

    const bool emulated = emulatedCoopmat_ && spec.shader.ends_with("_coopmat");
    auto words = findShader(emulated ? spec.shader + "_emulated" : spec.shader);
    p->access = reflectBufferAccess(words, spec.bindings);
    VkShaderModuleCreateInfo moduleInfo{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    moduleInfo.codeSize = words.size_bytes();
    moduleInfo.pCode = words.data();
    VkShaderModule module;
    check(vkCreateShaderModule(device_, &moduleInfo, nullptr, &module), "vkCreateShaderModule");

    std::vector<VkSpecializationMapEntry> entries(spec.specialization.size());
    for (uint32_t i = 0; i < entries.size(); ++i) entries[i] = {i, i * 4u, 4};
    VkSpecializationInfo specialization{static_cast<uint32_t>(entries.size()), entries.data(),
                                        spec.specialization.size() * 4, spec.specialization.data()};
    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = module;
    info.stage.pName = "main";
    info.stage.pSpecializationInfo = entries.empty() ? nullptr : &specialization;
    info.layout = p->layout;
    VkResult result = vkCreateComputePipelines(device_, cache_, 1, &info, nullptr, &p->pipeline);
    vkDestroyShaderModule(device_, module, nullptr);
    check(result, ("creating the compute pipeline '" + spec.shader + "'").c_str());
  } catch (...) {  // an unknown shader or a driver error: leave nothing behind
    if (p->pipeline) vkDestroyPipeline(device_, p->pipeline, nullptr);
    if (p->layout) vkDestroyPipelineLayout(device_, p->layout, nullptr);
    if (p->setLayout) vkDestroyDescriptorSetLayout(device_, p->setLayout, nullptr);
    throw;
  }
  created_++;
  return *pipelines_.emplace(spec, std::move(p)).first->second;
}

}  // namespace afterimage::gpu
