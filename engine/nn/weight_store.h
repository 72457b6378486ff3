// Model weights uploaded to the GPU from safetensors files. The store owns
// their memory; tensors it returns stay valid while it lives.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/gpu/context.h"
#include "engine/nn/safetensors.h"
#include "engine/nn/tensor.h"

namespace afterimage::nn {

class WeightStore {
 public:
  explicit WeightStore(gpu::Context& context) : context_(context) {}
  ~WeightStore();
  WeightStore(const WeightStore&) = delete;
  WeightStore& operator=(const WeightStore&) = delete;

  // Uploads `name` converted to `dtype`. Throws WeightError naming the file,
  // the tensor, the expected and the found shape when it is missing or
  // mis-shaped.
  Tensor load(const SafetensorsFile& file, const std::string& name, const Shape& expected, DType dtype = DType::F16);
  // Uploads values computed on the host (e.g. fused or derived weights).
  Tensor upload(const std::vector<float>& values, const Shape& shape, DType dtype = DType::F16);

  VkDeviceSize bytes() const { return bytes_; }
  size_t count() const { return slices_.size(); }

 private:
  gpu::Context& context_;
  std::vector<gpu::BufferSlice> slices_;
  VkDeviceSize bytes_ = 0;
};

}  // namespace afterimage::nn
