#include "engine/nn/tensor.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {

std::string toString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

size_t elementCount(const Shape& shape) {
  size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Tensor::Tensor(std::shared_ptr<gpu::BufferSlice> base, VkDeviceSize offset, Shape shape, DType dtype)
    : base_(std::move(base)), offset_(offset), shape_(std::move(shape)), dtype_(dtype) {}

uint32_t Tensor::dim(int index) const {
  int r = static_cast<int>(shape_.size());
  int i = index < 0 ? r + index : index;
  if (i < 0 || i >= r) throw gpu::GpuError("Tensor::dim(" + std::to_string(index) + ") of shape " + toString(shape_));
  return shape_[i];
}

gpu::BufferSlice Tensor::slice() const {
  if (!base_ || !*base_) throw gpu::GpuError("tensor " + toString(shape_) + " has no memory yet (plan not finalized)");
  return base_->sub(offset_, bytes());
}

Tensor Tensor::reshaped(Shape shape) const {
  if (elementCount(shape) != elements())
    throw gpu::GpuError("cannot reshape " + toString(shape_) + " to " + toString(shape));
  return Tensor(base_, offset_, std::move(shape), dtype_);
}

Tensor Tensor::batchItem(uint32_t index) const {
  if (shape_.empty() || index >= shape_[0])
    throw gpu::GpuError("batch item " + std::to_string(index) + " of " + toString(shape_) + " does not exist");
  Shape item = shape_;
  item[0] = 1;
  size_t itemBytes = elementCount(item) * dtypeSize(dtype_);
  return Tensor(base_, offset_ + index * itemBytes, std::move(item), dtype_);
}

}  // namespace afterimage::nn
