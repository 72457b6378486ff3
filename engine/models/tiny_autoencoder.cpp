#include "engine/models/tiny_autoencoder.h"

#include <cmath>
#include <random>

#include "engine/nn/conv2d.h"
#include "engine/nn/elementwise.h"
#include "engine/nn/normalization.h"

namespace afterimage::models {
namespace {

enum class Kind { Conv, Block, Clamp, ReLU, Upsample };

// The family's nn.Sequential layouts (index = position).
constexpr Kind kEncoderLayout[] = {Kind::Conv,  Kind::Block, Kind::Conv,  Kind::Block, Kind::Block,
                                   Kind::Block, Kind::Conv,  Kind::Block, Kind::Block, Kind::Block,
                                   Kind::Conv,  Kind::Block, Kind::Block, Kind::Block, Kind::Conv};
constexpr Kind kDecoderLayout[] = {Kind::Clamp,    Kind::Conv,  Kind::ReLU,  Kind::Block,    Kind::Block,
                                   Kind::Block,    Kind::Upsample, Kind::Conv, Kind::Block,  Kind::Block,
                                   Kind::Block,    Kind::Upsample, Kind::Conv, Kind::Block,  Kind::Block,
                                   Kind::Block,    Kind::Upsample, Kind::Conv, Kind::Block,  Kind::Conv};

// Convolutions that downsample: the encoder's bias-free convs at 2, 6, 10.
bool isStrided(bool isDecoder, size_t index) { return !isDecoder && (index == 2 || index == 6 || index == 10); }

}  // namespace

struct TinyAutoencoder::Layer {
  Kind kind;
  std::string name;  // the Sequential index
  nn::Conv2dWeights conv;       // Conv
  uint32_t stride = 1;
  bool reluAfter = false;       // Conv followed by nn.ReLU: fused
  nn::Conv2dWeights blockConv[3];
  nn::Tensor skip;              // 1x1 skip conv where channels change
  bool pool = false;
  nn::Tensor pool0, poolGamma, poolBeta, pool3;
};

TinyAutoencoder::TinyAutoencoder(gpu::Context& context, const std::string& encoderPath, const std::string& decoderPath)
    : context_(context), weights_(context) {
  if (!encoderPath.empty()) encoder_ = load(encoderPath, false);
  if (!decoderPath.empty()) decoder_ = load(decoderPath, true);
}

TinyAutoencoder::~TinyAutoencoder() = default;

std::vector<TinyAutoencoder::Layer> TinyAutoencoder::load(const std::string& path, bool isDecoder) {
  nn::SafetensorsFile file(path);
  auto shapeOf = [&](const std::string& name) {
    const auto& shape = file.require(name).shape;
    return nn::Shape(shape.begin(), shape.end());
  };
  auto loadConv = [&](const std::string& prefix, uint32_t in, uint32_t out, uint32_t k) {
    nn::Conv2dWeights w;
    w.weight = weights_.load(file, prefix + ".weight", {out, in, k, k});
    if (file.find(prefix + ".bias")) w.bias = weights_.load(file, prefix + ".bias", {out});
    parameters_ += uint64_t(out) * in * k * k + (w.bias.valid() ? out : 0);
    return w;
  };

  // The original nn.Sequential names ("1.weight"), or diffusers'
  // AutoencoderTiny ("encoder.layers.0.weight", both sides in one file),
  // whose decoder applies the clamp outside its Sequential: its indices are
  // one less than the original's.
  std::string side = isDecoder ? "decoder" : "encoder";
  bool diffusersLayout = file.find(side + ".layers.0.weight") != nullptr;
  std::string prefix = diffusersLayout ? side + ".layers." : "";
  int indexShift = diffusersLayout && isDecoder ? 1 : 0;
  const Kind* layout = isDecoder ? kDecoderLayout : kEncoderLayout;
  size_t count = isDecoder ? std::size(kDecoderLayout) : std::size(kEncoderLayout);
  // Channels flowing between layers, starting from the input's.
  uint32_t channels = isDecoder ? shapeOf(prefix + std::to_string(1 - indexShift) + ".weight")[1] : 3;
  if (isDecoder) {
    if (latentChannels_ && latentChannels_ != channels)
      throw nn::WeightError(path + ": decoder takes " + std::to_string(channels) + " latent channels, the encoder gives " +
                            std::to_string(latentChannels_));
    latentChannels_ = channels;
  }
  std::vector<Layer> layers;
  for (size_t i = 0; i < count; ++i) {
    std::string name = std::to_string(i);
    std::string key = prefix + std::to_string(int(i) - indexShift);  // the tensor names' stem
    switch (layout[i]) {
      case Kind::Conv: {
        nn::Shape shape = shapeOf(key + ".weight");
        if (shape.size() != 4 || shape[1] != channels || shape[2] != 3)
          throw nn::WeightError(path + ": tensor '" + key + ".weight' has shape " + nn::toString(shape) +
                                ", expected a 3x3 convolution taking " + std::to_string(channels) + " channels");
        Layer layer{Kind::Conv, name};
        layer.conv = loadConv(key, channels, shape[0], 3);
        layer.stride = isStrided(isDecoder, i) ? 2 : 1;
        channels = shape[0];
        layers.push_back(std::move(layer));
        break;
      }
      case Kind::ReLU:
        layers.back().reluAfter = true;
        break;
      case Kind::Block: {
        Layer layer{Kind::Block, name};
        uint32_t out = shapeOf(key + ".conv.0.weight")[0];
        if (file.find(key + ".pool.0.weight")) {
          uint32_t wide = shapeOf(key + ".pool.0.weight")[0];
          layer.pool = true;
          layer.pool0 = weights_.load(file, key + ".pool.0.weight", {wide, channels, 1, 1});
          layer.poolGamma = weights_.load(file, key + ".pool.1.weight", {wide});
          layer.poolBeta = weights_.load(file, key + ".pool.1.bias", {wide});
          layer.pool3 = weights_.load(file, key + ".pool.3.weight", {channels, wide, 1, 1});
          parameters_ += 2ull * wide * channels + 2ull * wide;
        }
        layer.blockConv[0] = loadConv(key + ".conv.0", channels, out, 3);
        layer.blockConv[1] = loadConv(key + ".conv.2", out, out, 3);
        layer.blockConv[2] = loadConv(key + ".conv.4", out, out, 3);
        if (out != channels) {
          layer.skip = weights_.load(file, key + ".skip.weight", {out, channels, 1, 1});
          parameters_ += uint64_t(out) * channels;
        }
        channels = out;
        layers.push_back(std::move(layer));
        break;
      }
      case Kind::Clamp:
      case Kind::Upsample:
        layers.push_back({layout[i], name});
        break;
    }
  }
  if (isDecoder) {
    if (channels != 3) throw nn::WeightError(path + ": the decoder's last convolution gives " + std::to_string(channels) +
                                             " channels, expected 3 (RGB)");
  } else {
    if (latentChannels_ && latentChannels_ != channels)
      throw nn::WeightError(path + ": encoder gives " + std::to_string(channels) + " latent channels, the decoder takes " +
                            std::to_string(latentChannels_));
    latentChannels_ = channels;
  }
  return layers;
}

nn::Tensor TinyAutoencoder::run(nn::Plan& plan, const std::vector<Layer>& layers, const nn::Tensor& input,
                                const char* side, bool timestamps) const {
  nn::Tensor x = input;
  bool upsampleNext = false;  // an Upsample layer: the conv after it reads its input doubled
  // The caller's input is never released; everything made here is, once read.
  auto done = [&](const nn::Tensor& t) {
    if (!t.sameStorage(input)) plan.release(t);
  };
  for (const auto& layer : layers) {
    nn::Tensor y;
    switch (layer.kind) {
      case Kind::Clamp:
        y = nn::activate(plan, x, nn::Activation::TanhClamp);
        break;
      case Kind::Upsample:
        upsampleNext = true;
        if (timestamps) plan.mark(std::string(side) + "." + layer.name);
        continue;
      case Kind::Conv:
        y = nn::conv2d(plan, x, layer.conv,
                       {.stride = layer.stride, .padding = 1,
                        .activation = layer.reluAfter ? nn::Activation::ReLU : nn::Activation::None,
                        .upsample = upsampleNext});
        upsampleNext = false;
        break;
      case Kind::ReLU:
        continue;
      case Kind::Block: {
        nn::Tensor in = x;
        if (layer.pool) {  // x = x + pool(x)
          nn::Tensor wide = nn::conv2d(plan, x, {layer.pool0, {}}, {.padding = 0});
          nn::Tensor normed = nn::groupNorm(plan, wide, layer.poolGamma, layer.poolBeta, 4, 1e-5f, nn::Activation::ReLU);
          plan.release(wide);
          in = nn::conv2d(plan, normed, {layer.pool3, {}}, {.padding = 0}, x);
          plan.release(normed);
          done(x);
        }
        nn::Tensor h1 = nn::conv2d(plan, in, layer.blockConv[0], {.activation = nn::Activation::ReLU});
        nn::Tensor h2 = nn::conv2d(plan, h1, layer.blockConv[1], {.activation = nn::Activation::ReLU});
        plan.release(h1);
        nn::Tensor skip = layer.skip.valid() ? nn::conv2d(plan, in, {layer.skip, {}}, {.padding = 0}) : in;
        y = nn::conv2d(plan, h2, layer.blockConv[2], {.activation = nn::Activation::ReLU}, skip);
        plan.release(h2);
        if (layer.skip.valid()) plan.release(skip);
        if (!in.sameStorage(x)) plan.release(in);  // the pool sum, made here
        break;
      }
    }
    if (layer.kind != Kind::Block || !layer.pool) done(x);
    x = y;
    if (timestamps) plan.mark(std::string(side) + "." + layer.name);
  }
  return x;
}

void TinyAutoencoder::writeRandomWeights(const std::string& directory, uint32_t latentChannels, uint32_t width,
                                         bool pool, uint32_t seed) {
  std::mt19937 rng(seed);
  for (bool isDecoder : {false, true}) {
    std::vector<nn::TensorToWrite> tensors;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale) {
      int64_t n = 1;
      for (auto d : shape) n *= d;
      std::normal_distribution<float> normal(0.0f, scale);
      std::vector<float> values(static_cast<size_t>(n));
      for (auto& v : values) v = normal(rng);
      tensors.push_back({name, std::move(shape), std::move(values), nn::StoredType::F16});
    };
    auto conv = [&](const std::string& name, int64_t in, int64_t out, bool bias) {
      add(name + ".weight", {out, in, 3, 3}, std::sqrt(2.0f / (in * 9)));
      if (bias) add(name + ".bias", {out}, 0.05f);
    };
    const Kind* layout = isDecoder ? kDecoderLayout : kEncoderLayout;
    size_t count = isDecoder ? std::size(kDecoderLayout) : std::size(kEncoderLayout);
    int64_t channels = isDecoder ? latentChannels : 3;
    bool lowestResolution = isDecoder;  // the decoder starts there, the encoder ends there
    for (size_t i = 0; i < count; ++i) {
      std::string name = std::to_string(i);
      bool last = i + 1 == count;
      if (layout[i] == Kind::Conv) {
        int64_t out = last ? (isDecoder ? 3 : latentChannels) : width;
        bool bias = !(isStrided(isDecoder, i) || (isDecoder && layout[i - 1] == Kind::Upsample));
        conv(name, channels, out, bias);
        channels = out;
        if (!isDecoder && i == 10) lowestResolution = true;
      } else if (layout[i] == Kind::Upsample) {
        lowestResolution = false;
      } else if (layout[i] == Kind::Block) {
        if (pool && lowestResolution) {
          add(name + ".pool.0.weight", {width * 4, width, 1, 1}, std::sqrt(2.0f / width));
          add(name + ".pool.1.weight", {width * 4}, 0.2f);
          add(name + ".pool.1.bias", {width * 4}, 0.1f);
          add(name + ".pool.3.weight", {width, width * 4, 1, 1}, std::sqrt(0.5f / width));
        }
        for (const char* c : {".conv.0", ".conv.2", ".conv.4"}) conv(name + c, width, width, true);
      }
    }
    nn::writeSafetensors(directory + (isDecoder ? "/decoder.safetensors" : "/encoder.safetensors"), tensors);
  }
}

nn::Tensor TinyAutoencoder::encode(nn::Plan& plan, const nn::Tensor& image, bool timestamps) const {
  if (!hasEncoder()) throw nn::WeightError("this tiny autoencoder was loaded without an encoder");
  if (image.rank() != 4 || image.dim(1) != 3 || image.dim(2) % kScale || image.dim(3) % kScale)
    throw nn::WeightError("tiny autoencoder: image " + nn::toString(image.shape()) +
                          " must be [N, 3, H, W] with H and W multiples of 8");
  return run(plan, encoder_, image, "encoder", timestamps);
}

nn::Tensor TinyAutoencoder::decode(nn::Plan& plan, const nn::Tensor& latent, bool timestamps) const {
  if (!hasDecoder()) throw nn::WeightError("this tiny autoencoder was loaded without a decoder");
  if (latent.rank() != 4 || latent.dim(1) != latentChannels_)
    throw nn::WeightError("tiny autoencoder: latent " + nn::toString(latent.shape()) + " must be [N, " +
                          std::to_string(latentChannels_) + ", h, w]");
  return run(plan, decoder_, latent, "decoder", timestamps);
}

}  // namespace afterimage::models
