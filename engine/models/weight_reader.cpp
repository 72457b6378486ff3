#include "engine/models/weight_reader.h"

namespace afterimage::models {

WeightReader::WeightReader(const std::string& path, nn::WeightStore& store) : file_(path), store_(store) {}

nn::Shape WeightReader::shapeOf(const std::string& name) const {
  const auto& shape = file_.require(name).shape;
  return nn::Shape(shape.begin(), shape.end());
}

nn::Tensor WeightReader::tensor(const std::string& name, const nn::Shape& shape) {
  return tensorAs(name, shape, shape);
}

nn::Tensor WeightReader::tensorAs(const std::string& name, const nn::Shape& storedShape, const nn::Shape& shape) {
  nn::Tensor t = store_.load(file_, name, storedShape);
  parameters_ += t.elements();
  return t.reshaped(shape);
}

LinearWeights WeightReader::linear(const std::string& prefix, uint32_t in, uint32_t out, bool bias) {
  LinearWeights w;
  w.weight = tensor(prefix + ".weight", {out, in});
  if (bias) w.bias = tensor(prefix + ".bias", {out});
  return w;
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
