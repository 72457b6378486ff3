// One Vulkan device ready for compute: the instance, the chosen physical
// device, a logical device with the features Afterimage uses, its compute
// queue, a memory arena and the pipeline registry. Created for presentation,
// the same device also draws and presents to windows (ui/), on a second
// queue of the same family where there is one.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/gpu/device_info.h"
#include "engine/gpu/instance.h"
#include "engine/gpu/memory_arena.h"
#include "engine/gpu/pipeline_registry.h"

namespace afterimage::gpu {

struct ContextOptions {
  bool validation = false;
  std::string gpu;  // --gpu NAME|INDEX; empty falls back to $AFTERIMAGE_GPU, then the best device
  // Directory of the on-disk pipeline cache; empty = $AFTERIMAGE_CACHE_DIR,
  // then $XDG_CACHE_HOME/afterimage, then ~/.cache/afterimage. "-" = none.
  std::string cacheDir;
  // Instance extensions a window system needs to present (the ui asks GLFW's
  // glfwGetRequiredInstanceExtensions). Non-empty turns presentation on: the
  // device must have VK_KHR_swapchain and a queue family that does graphics
  // and compute, and the presenter gets a second queue of that family when
  // it has one, so that its frames do not queue behind long compute work;
  // empty keeps a compute-only context (tests, CLI).
  std::vector<std::string> windowExtensions;
};

class Context {
 public:
  explicit Context(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  VkDevice device() const { return device_; }
  const DeviceInfo& info() const { return info_; }
  const Instance& instance() const { return *instance_; }
  MemoryArena& arena() { return *arena_; }
  PipelineRegistry& pipelines() { return *pipelines_; }
  uint32_t queueFamily() const { return info_.computeQueueFamily; }
  VkQueue queue() const { return queue_; }
  bool presentation() const { return presentation_; }
  // The presenter's queue (same family as queue()): its own where the
  // family has two or more, else queue() itself.
  VkQueue presentationQueue() const { return presentationQueue_; }
  bool separatePresentationQueue() const { return presentationQueue_ != queue_; }

  // Submits and waits (guarded: one queue, many threads).
  void submit(VkCommandBuffer commands, VkFence fence);
  void submit(const VkSubmitInfo& info, VkFence fence);
  // The presenter's submissions and vkQueuePresentKHR, on the presentation
  // queue under its guard. present() returns the result for the caller to
  // judge (out of date, suboptimal and surface lost are not exceptions).
  void submitPresentation(const VkSubmitInfo& info, VkFence fence);
  VkResult present(const VkPresentInfoKHR& info);
  // vkQueueWaitIdle on the presentation queue (presents have no fence).
  void waitPresentationIdle();
  void submitAndWait(VkCommandBuffer commands);

  // Copies between host memory and a slice; staged when not mapped. For
  // setup and tests; the frame loop uses recorded copies.
  void upload(const BufferSlice& destination, const void* data, size_t bytes);
  void download(const BufferSlice& source, void* data, size_t bytes);

  // One-off command buffer from the context's pool.
  VkCommandBuffer beginOneShot();
  void endOneShot(VkCommandBuffer commands);
  VkCommandPool commandPool() const { return pool_; }

 private:
  std::unique_ptr<Instance> instance_;
  DeviceInfo info_;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkQueue presentationQueue_ = VK_NULL_HANDLE;
  bool presentation_ = false;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::unique_ptr<MemoryArena> arena_;
  std::unique_ptr<PipelineRegistry> pipelines_;
  std::mutex queueMutex_;
  std::mutex presentationQueueMutex_;  // guards presentationQueue_ when it is separate
  std::mutex poolMutex_;
};

std::string defaultCacheDir();

}  // namespace afterimage::gpu
