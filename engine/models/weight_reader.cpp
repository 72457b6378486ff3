#include "engine/models/weight_reader.h"

#include <cmath>
#include <stdexcept>

#include "engine/diffusion/seeded_noise.h"
#include "engine/nn/linear.h"

namespace afterimage::models {

WeightReader::WeightReader(const std::string& path, nn::WeightStore& store)
    : file_(std::make_unique<nn::SafetensorsFile>(path)), store_(store) {}

WeightReader WeightReader::randomWeights(uint64_t seed, nn::WeightStore& store) {
  return WeightReader(seed, false, store);
}

WeightReader WeightReader::shapesOnly(nn::WeightStore& store) { return WeightReader(0, true, store); }

void WeightReader::expect(const std::string& name, const nn::Shape& shape) {
  if (file_) file().require(name, std::vector<int64_t>(shape.begin(), shape.end()));
  requested_.push_back({name, shape});
  parameters_ += nn::elementCount(shape);
}

const nn::SafetensorsFile& WeightReader::file() const {
  if (!file_) throw std::logic_error("WeightReader: random weights have no file");
  return *file_;
}

nn::Shape WeightReader::shapeOf(const std::string& name) const {
  const auto& shape = file().require(name).shape;
  return nn::Shape(shape.begin(), shape.end());
}

nn::Tensor WeightReader::tensor(const std::string& name, const nn::Shape& shape) {
  return tensorAs(name, shape, shape);
}

std::vector<float> WeightReader::values(const std::string& name, const nn::Shape& shape) {
  requested_.push_back({name, shape});
  size_t count = nn::elementCount(shape);
  std::vector<float> values;
  if (file_) {
    values = file_->readFloats(name, std::vector<int64_t>(shape.begin(), shape.end()));
  } else if (!shapesOnly_) {
    // Fan-in scaled values keep activations in range through deep stacks;
    // norm scales near 1.
    float scale = shape.size() > 1 ? 1.0f / std::sqrt(float(count / shape[0])) : 0.1f;
    values = diffusion::gaussianNoise(seed_ + parameters_, count);
    for (auto& v : values) v *= scale;
    if (shape.size() == 1 && name.ends_with(".weight"))
      for (auto& v : values) v += 1.0f;
  }
  parameters_ += count;
  return values;
}

nn::Tensor WeightReader::tensorAs(const std::string& name, const nn::Shape& storedShape, const nn::Shape& shape) {
  std::vector<float> stored = values(name, storedShape);
  if (shapesOnly_) return {};
  return store_.upload(stored, storedShape).reshaped(shape);
}

nn::Tensor WeightReader::stacked(const std::vector<std::string>& names, const nn::Shape& shape) {
  std::vector<float> all;
  for (const auto& name : names) {
    std::vector<float> one = values(name, shape);
    all.insert(all.end(), one.begin(), one.end());
  }
  if (shapesOnly_) return {};
  nn::Shape stackedShape = shape;
  stackedShape.insert(stackedShape.begin(), uint32_t(names.size()));
  return store_.upload(all, stackedShape);
}

LinearWeights WeightReader::linear(const std::string& prefix, uint32_t in, uint32_t out, bool bias) {
  LinearWeights w;
  w.weight = tensor(prefix + ".weight", {out, in});
  if (bias) w.bias = tensor(prefix + ".bias", {out});
  return w;
}

LinearWeights WeightReader::gegluLinear(const std::string& prefix, uint32_t in, uint32_t out) {
  std::vector<float> weight = values(prefix + ".weight", {out, in});
  std::vector<float> bias = values(prefix + ".bias", {out});
  if (shapesOnly_) return {};
  return {store_.upload(nn::interleaveGegluRows(weight, in), {out, in}),
          store_.upload(nn::interleaveGegluRows(bias, 1), {out})};
}

LinearWeights WeightReader::pointwiseConvAsLinear(const std::string& prefix, uint32_t in, uint32_t out) {
  LinearWeights w;
  w.weight = tensorAs(prefix + ".weight", {out, in, 1, 1}, {out, in});
  w.bias = tensor(prefix + ".bias", {out});
  return w;
}

nn::Conv2dWeights WeightReader::conv(const std::string& prefix, uint32_t in, uint32_t out, uint32_t kernel, bool bias) {
  nn::Conv2dWeights w;
  w.weight = tensor(prefix + ".weight", {out, in, kernel, kernel});
  if (bias) w.bias = tensor(prefix + ".bias", {out});
  return w;
}

NormWeights WeightReader::norm(const std::string& prefix, uint32_t channels) {
  return {tensor(prefix + ".weight", {channels}), tensor(prefix + ".bias", {channels})};
}

}  // namespace afterimage::models
