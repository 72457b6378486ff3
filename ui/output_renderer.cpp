#include "ui/output_renderer.h"

#include <cmath>
#include <cstring>

#include "engine/gpu/gpu_error.h"
#include "engine/gpu/shader_library.h"
#include "ui/warp_geometry.h"

namespace afterimage::ui {
namespace {

// present_warp.frag's push constants.
struct WarpPush {
  float edges[4];
  float mixAmount, brightness, gamma, calibrate;
};

constexpr int kMeshCells = 32;
constexpr VkDeviceSize kMeshBytes = VkDeviceSize(kMeshCells) * kMeshCells * 6 * sizeof(WarpVertex);

VkShaderModule createModule(VkDevice device, const char* name) {
  auto words = gpu::findShader(name);
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = words.size_bytes();
  info.pCode = words.data();
  VkShaderModule module;
  gpu::check(vkCreateShaderModule(device, &info, nullptr, &module), name);
  return module;
}

}  // namespace

OutputRenderer::OutputRenderer(gpu::Context& context, VkRenderPass renderPass) : context_(context) {
  VkDevice device = context.device();
  VkDescriptorSetLayoutBinding bindings[3]{};
  for (uint32_t i = 0; i < 3; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = i < 2 ? VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = i < 2 ? VK_SHADER_STAGE_FRAGMENT_BIT : VK_SHADER_STAGE_VERTEX_BIT;
  }
  VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setInfo.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
  setInfo.bindingCount = 3;
  setInfo.pBindings = bindings;
  gpu::check(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &setLayout_), "vkCreateDescriptorSetLayout");
  VkPushConstantRange push{VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(WarpPush)};
  VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout_;
  layoutInfo.pushConstantRangeCount = 1;
  layoutInfo.pPushConstantRanges = &push;
  gpu::check(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &layout_), "vkCreatePipelineLayout");

  VkShaderModule vertex = createModule(device, "present_mesh");
  VkShaderModule fragment = createModule(device, "present_warp");
  VkPipelineShaderStageCreateInfo stages[2]{};
  stages[0] = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_VERTEX_BIT, vertex, "main"};
  stages[1] = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_FRAGMENT_BIT, fragment,
               "main"};
  VkPipelineVertexInputStateCreateInfo vertexInput{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  VkPipelineInputAssemblyStateCreateInfo assembly{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;
  VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
  VkPipelineColorBlendAttachmentState blend{};
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT |
                         VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo blending{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  blending.attachmentCount = 1;
  blending.pAttachments = &blend;
  VkDynamicState dynamic[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamicState{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dynamicState.dynamicStateCount = 2;
  dynamicState.pDynamicStates = dynamic;
  VkGraphicsPipelineCreateInfo pipelineInfo{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  pipelineInfo.stageCount = 2;
  pipelineInfo.pStages = stages;
  pipelineInfo.pVertexInputState = &vertexInput;
  pipelineInfo.pInputAssemblyState = &assembly;
  pipelineInfo.pViewportState = &viewport;
  pipelineInfo.pRasterizationState = &raster;
  pipelineInfo.pMultisampleState = &multisample;
  pipelineInfo.pColorBlendState = &blending;
  pipelineInfo.pDynamicState = &dynamicState;
  pipelineInfo.layout = layout_;
  pipelineInfo.renderPass = renderPass;
  VkResult result = vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &pipelineInfo, nullptr, &pipeline_);
  vkDestroyShaderModule(device, vertex, nullptr);
  vkDestroyShaderModule(device, fragment, nullptr);
  gpu::check(result, "vkCreateGraphicsPipelines (presenter)");

  VkSamplerCreateInfo samplerInfo{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  samplerInfo.magFilter = VK_FILTER_LINEAR;
  samplerInfo.minFilter = VK_FILTER_LINEAR;
  samplerInfo.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  samplerInfo.addressModeU = samplerInfo.addressModeV = samplerInfo.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.maxLod = 0.0f;
  gpu::check(vkCreateSampler(device, &samplerInfo, nullptr, &sampler_), "vkCreateSampler");
  for (auto& mesh : meshes_) mesh = context.arena().allocate(kMeshBytes, gpu::MemoryKind::Staging);
}

OutputRenderer::~OutputRenderer() {
  VkDevice device = context_.device();
  textures_[0].reset();
  textures_[1].reset();
  if (staging_) context_.arena().release(staging_);
  for (auto& mesh : meshes_)
    if (mesh) context_.arena().release(mesh);
  vkDestroySampler(device, sampler_, nullptr);
  vkDestroyPipeline(device, pipeline_, nullptr);
  vkDestroyPipelineLayout(device, layout_, nullptr);
  vkDestroyDescriptorSetLayout(device, setLayout_, nullptr);
}

void OutputRenderer::upload(VkCommandBuffer commands, const HostFrame& frame, double now) {
  if (frame.empty()) return;
  VkDeviceSize bytes = VkDeviceSize(frame.width) * frame.height * 4;
  if (frame.rgba.size() < bytes) throw gpu::GpuError("a published frame has fewer pixels than its size says");
  if (staging_ && staging_.size < bytes) {
    context_.arena().release(staging_);
    staging_ = {};
  }
  if (!staging_) staging_ = context_.arena().allocate(bytes, gpu::MemoryKind::Staging);
  std::memcpy(staging_.mapped, frame.rgba.data(), bytes);

  int target = current_ < 0 ? 0 : 1 - current_;
  auto& texture = textures_[target];
  if (!texture || texture->width() != frame.width || texture->height() != frame.height)
    texture = std::make_unique<FrameTexture>(context_, frame.width, frame.height);

  VkImageMemoryBarrier toCopy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  toCopy.srcAccessMask = 0;
  toCopy.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toCopy.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;  // the old contents go
  toCopy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  toCopy.srcQueueFamilyIndex = toCopy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  toCopy.image = texture->image();
  toCopy.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                       nullptr, 1, &toCopy);
  VkBufferImageCopy region{};
  region.bufferOffset = staging_.offset;
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {frame.width, frame.height, 1};
  vkCmdCopyBufferToImage(commands, staging_.buffer, texture->image(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
  VkImageMemoryBarrier toSample = toCopy;
  toSample.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toSample.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
  toSample.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  toSample.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
  vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0,
                       nullptr, 1, &toSample);

  previous_ = current_ < 0 ? target : current_;
  current_ = target;
  uploadTime_ = now;
}

std::array<Point2, 4> OutputRenderer::placement(VkExtent2D target, const OutputLayout& layout) const {
  PixelRect rect{0, 0, target.width, target.height};
  if (hasFrame() && target.width && target.height) {
    const auto& texture = *textures_[current_];
    rect = letterbox(uint32_t(std::lround(texture.width() * layout.region[2])),
                     uint32_t(std::lround(texture.height() * layout.region[3])), target.width, target.height);
  }
  float x0 = float(rect.x) / float(target.width), y0 = float(rect.y) / float(target.height);
  float x1 = float(rect.x + int32_t(rect.width)) / float(target.width);
  float y1 = float(rect.y + int32_t(rect.height)) / float(target.height);
  return {Point2{x0, y0}, Point2{x1, y0}, Point2{x1, y1}, Point2{x0, y1}};
}

void OutputRenderer::draw(VkCommandBuffer commands, VkExtent2D target, uint32_t slot, const OutputLayout& layout,
                          float mixAmount, float brightness, bool calibrate) {
  if (!hasFrame() || (brightness <= 0.0f && !calibrate)) return;  // the cleared black is the picture
  if (!target.width || !target.height) return;
  const gpu::BufferSlice& mesh = meshes_[slot % 2];
  size_t vertexCount = writeWarpTriangles(layout, layout.corners ? *layout.corners : placement(target, layout),
                                          kMeshCells, reinterpret_cast<WarpVertex*>(mesh.mapped));
  VkViewport viewport{0.0f, 0.0f, float(target.width), float(target.height), 0.0f, 1.0f};
  VkRect2D scissor{{0, 0}, target};
  vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  vkCmdSetViewport(commands, 0, 1, &viewport);
  vkCmdSetScissor(commands, 0, 1, &scissor);
  VkDescriptorImageInfo images[2] = {
      {sampler_, textures_[previous_]->view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
      {sampler_, textures_[current_]->view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
  };
  VkDescriptorBufferInfo vertices{mesh.buffer, mesh.offset, kMeshBytes};
  VkWriteDescriptorSet writes[3]{};
  for (uint32_t i = 0; i < 3; ++i) {
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = i < 2 ? VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    if (i < 2) writes[i].pImageInfo = &images[i];
    else writes[i].pBufferInfo = &vertices;
  }
  vkCmdPushDescriptorSetKHR(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, layout_, 0, 3, writes);
  const SoftEdge& edge = layout.softEdge;
  WarpPush push{{edge.left, edge.right, edge.top, edge.bottom}, mixAmount, brightness, edge.gamma,
                calibrate ? 1.0f : 0.0f};
  vkCmdPushConstants(commands, layout_, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(push), &push);
  vkCmdDraw(commands, uint32_t(vertexCount), 1, 0, 0);
}

}  // namespace afterimage::ui
