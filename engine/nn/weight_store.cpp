#include "engine/nn/weight_store.h"

#include <memory>

#include "engine/nn/plan.h"

namespace afterimage::nn {

WeightStore::~WeightStore() {
  for (const auto& s : slices_) context_.arena().release(s);
}

Tensor WeightStore::load(const SafetensorsFile& file, const std::string& name, const Shape& expected, DType dtype) {
  std::vector<int64_t> shape(expected.begin(), expected.end());
  return upload(file.readFloats(name, shape), expected, dtype);
}

Tensor WeightStore::upload(const std::vector<float>& values, const Shape& shape, DType dtype) {
  size_t bytes = elementCount(shape) * dtypeSize(dtype);
  auto slice = std::make_shared<gpu::BufferSlice>(context_.arena().allocate(bytes));
  slices_.push_back(*slice);
  bytes_ += bytes;
  Tensor tensor(slice, 0, shape, dtype);
  writeTensor(context_, tensor, values);
  return tensor;
}

}  // namespace afterimage::nn
