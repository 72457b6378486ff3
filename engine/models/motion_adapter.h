// Temporal layers for the SD UNet (diffusers MotionAdapter, as AnimateDiff
// and AnimateDiff-Lightning motion weights are published): after each layer
// of the down, mid and up blocks a temporal transformer (GroupNorm over the
// frames, proj_in, transformer blocks of two temporal self-attentions with a
// sinusoidal frame-position encoding and a GEGLU feed-forward, proj_out,
// residual) in which every latent pixel attends over the frames only.
//
// As a UNetLayerHook it makes a UNet call on N images one clip of N frames
// that attend to each other (diffusers' UNetMotionModel); TemporalStream runs
// it causally one frame at a time.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/gpu/context.h"
#include "engine/models/motion_adapter_config.h"
#include "engine/models/unet_layer_hook.h"
#include "engine/models/weight_reader.h"
#include "engine/nn/weight_store.h"

namespace afterimage::models {

class MotionAdapter : public UNetLayerHook {
 public:
  // configPath: the adapter's config.json; weightsPath: its safetensors file.
  // Throws std::runtime_error / nn::WeightError naming the file and field or tensor.
  MotionAdapter(gpu::Context& context, const std::string& configPath, const std::string& weightsPath);
  ~MotionAdapter() override;

  const MotionAdapterConfig& config() const { return config_; }
  uint64_t parameterCount() const { return parameters_; }
  VkDeviceSize weightBytes() const { return weights_.bytes(); }

  // The temporal transformer at `site` on `window` [F, C, H, W], F frames of
  // one clip, oldest first (F <= config().maxFrames). causal: frame i sees
  // frames 0..i only. Returns a new tensor [F, C, H, W], or with
  // lastFrameOnly [1, C, H, W] of the last frame, whose final attention
  // queries, feed-forward and projection then run for that frame alone.
  // otherFramesWeight (f32 [1] on the GPU, or nullptr): every attention's
  // softmax weights of the other frames scaled by it (nn::temporalAttention).
  nn::Tensor temporalTransformer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& window, bool causal,
                                 bool lastFrameOnly = false, const nn::Tensor* otherFramesWeight = nullptr) const;

  // The UNet call's N images are the N frames of one clip (bidirectional).
  nn::Tensor afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) override;

  struct Layer;

 private:
  const Layer& layer(const UNetLayerSite& site) const;
  // The sinusoidal position table's first `frames` rows for `channels`, [F, 1, C].
  const nn::Tensor& positions(uint32_t frames, uint32_t channels) const;

  MotionAdapterConfig config_;
  nn::WeightStore weights_;
  uint64_t parameters_ = 0;
  std::vector<std::vector<Layer>> down_, up_;
  std::vector<Layer> mid_;
  // Made as plans ask for them: (frames, channels) -> table.
  mutable nn::WeightStore positionTables_;
  mutable std::map<std::pair<uint32_t, uint32_t>, nn::Tensor> positions_;
};

}  // namespace afterimage::models
