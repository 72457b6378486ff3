// The TAESD family of tiny autoencoders (madebyollin/taesd): TAESD for
// SD 1.x/2.x/SD-Turbo latents (4 channels), TAEF1/TAESD3 (16), TAEF2 (32,
// with the pool path in its lowest-resolution blocks). The layer layout is
// the family's; widths, latent channels, biases, skip convs and the pool path
// are read from the weights themselves. Images are [N, 3, H, W] in [0, 1];
// latents [N, C, H/8, W/8], used directly by the diffusion model (no scaling).
// Weights: the original taesd_{encoder,decoder}.safetensors, or a diffusers
// AutoencoderTiny file (both sides in one diffusion_pytorch_model.safetensors).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/gpu/context.h"
#include "engine/nn/plan.h"
#include "engine/nn/safetensors.h"
#include "engine/nn/weight_store.h"

namespace afterimage::models {

class TinyAutoencoder {
 public:
  // Either path may be empty (e.g. a decoder for previews only). Throws
  // nn::WeightError naming the file and tensor when weights are missing or
  // mis-shaped.
  TinyAutoencoder(gpu::Context& context, const std::string& encoderPath, const std::string& decoderPath);
  ~TinyAutoencoder();

  bool hasEncoder() const { return !encoder_.empty(); }
  bool hasDecoder() const { return !decoder_.empty(); }
  uint32_t latentChannels() const { return latentChannels_; }
  uint64_t parameterCount() const { return parameters_; }
  static constexpr uint32_t kScale = 8;

  // Adds the encoder to `plan`: image [N, 3, H, W] (H, W multiples of 8) -> latent.
  // With timestamps, each layer gets a GPU timestamp named after it.
  nn::Tensor encode(nn::Plan& plan, const nn::Tensor& image, bool timestamps = false) const;
  // Adds the decoder: latent [N, C, h, w] -> image [N, 3, 8h, 8w] (not clamped).
  nn::Tensor decode(nn::Plan& plan, const nn::Tensor& latent, bool timestamps = false) const;

  // Writes encoder.safetensors and decoder.safetensors with random weights of
  // the family's layout into `directory` (benchmarks and tests: timing does
  // not depend on the values). TAESD: width 64, 4 latent channels, no pool.
  static void writeRandomWeights(const std::string& directory, uint32_t latentChannels, uint32_t width, bool pool,
                                 uint32_t seed);

  // One layer of the nn.Sequential, as the family lays it out.
  struct Layer;

 private:
  std::vector<Layer> load(const std::string& path, bool isDecoder);
  nn::Tensor run(nn::Plan& plan, const std::vector<Layer>& layers, const nn::Tensor& input, const char* side,
                 bool timestamps) const;

  gpu::Context& context_;
  nn::WeightStore weights_;
  std::vector<Layer> encoder_, decoder_;
  uint32_t latentChannels_ = 0;
  uint64_t parameters_ = 0;
};

}  // namespace afterimage::models
