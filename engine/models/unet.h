// The SD UNet family (diffusers UNet2DConditionModel): conv_in, time
// embedding, down blocks of ResNets (+ transformers with self- and
// cross-attention), a mid block, up blocks fed by skip connections, and the
// output head. Shapes come from unet/config.json and are checked against
// every tensor of the weights file.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/gpu/context.h"
#include "engine/models/unet_config.h"
#include "engine/models/self_attention_bank.h"
#include "engine/models/unet_layer_hook.h"
#include "engine/models/weight_reader.h"
#include "engine/nn/plan.h"
#include "engine/nn/weight_store.h"

namespace afterimage::models {


class UNet {
 public:
  // configPath: unet/config.json; weightsPath: its safetensors file.
  // Throws std::runtime_error / nn::WeightError naming the file and field or tensor.
  UNet(gpu::Context& context, const std::string& configPath, const std::string& weightsPath);
  // Seeded random weights of `config`'s shapes (benchmarks of full-size
  // configurations whose weights are not at hand).
  UNet(gpu::Context& context, const UNetConfig& config, uint64_t randomSeed);
  // The tensors (names, stored shapes) a configuration reads.
  static std::vector<WeightReader::Requested> tensorShapes(gpu::Context& context, const UNetConfig& config);
  ~UNet();

  const UNetConfig& config() const { return config_; }
  uint64_t parameterCount() const { return parameters_; }
  VkDeviceSize weightBytes() const { return weights_.bytes(); }

  // Adds one UNet evaluation to `plan`: sample [N, in, h, w] (h, w multiples
  // of 2^(blocks-1)), timesteps f32 [N], context [N, T, crossAttentionDim]
  // -> prediction [N, out, h, w]. With timestamps, each block gets a GPU
  // timestamp. Inputs are not released. A hook transforms the hidden state
  // after every layer (temporal layers); a bank extends every
  // self-attention over the keys and values of past frames (StreamV2V).
  nn::Tensor forward(nn::Plan& plan, const nn::Tensor& sample, const nn::Tensor& timesteps, const nn::Tensor& context,
                     bool timestamps = false, UNetLayerHook* hook = nullptr, SelfAttentionBank* bank = nullptr) const;

  struct Resnet;
  struct Transformer;
  struct DownBlock;
  struct UpBlock;

 private:
  UNet(gpu::Context& context, const UNetConfig& config, WeightReader& reader);
  void load(WeightReader& reader);
  // timeBias: every ResNet's time-embedding projection (plus its conv1 bias), [N, all their channels].
  // skip, when valid: the input is [x, skip] along channels (an up block's), read in place.
  nn::Tensor resnet(nn::Plan& plan, const Resnet& r, const nn::Tensor& x, const nn::Tensor& timeBias,
                    const nn::Tensor& skip = {}) const;
  // contextKeysValues: the cross-attention keys and values of every transformer
  // of a width, one GEMM each (invalid where they are computed per transformer).
  nn::Tensor transformer(nn::Plan& plan, const Transformer& t, const nn::Tensor& x, const nn::Tensor& context,
                         const std::vector<nn::Tensor>& contextKeysValues, SelfAttentionBank* bank) const;

  UNetConfig config_;
  nn::WeightStore weights_;
  uint64_t parameters_ = 0;
  struct Weights;
  std::unique_ptr<Weights> w_;
};

}  // namespace afterimage::models
