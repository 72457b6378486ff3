// A tensor on the GPU: shape, element type and a range of a buffer. Layout is
// PyTorch's contiguous layout (NCHW images, [batch, tokens, channels]
// sequences), so weights and goldens need no reordering.
// A plan's activations get their buffer only when the plan is finalized, so
// slice() may be called only inside recorded steps (or after finalize).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/gpu/memory_arena.h"

namespace afterimage::nn {

enum class DType { F16, F32 };
inline size_t dtypeSize(DType t) { return t == DType::F16 ? 2 : 4; }

using Shape = std::vector<uint32_t>;
std::string toString(const Shape& shape);
size_t elementCount(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  // base: a slice that is filled now (weights, inputs) or later (activations).
  Tensor(std::shared_ptr<gpu::BufferSlice> base, VkDeviceSize offset, Shape shape, DType dtype);

  const Shape& shape() const { return shape_; }
  uint32_t rank() const { return static_cast<uint32_t>(shape_.size()); }
  // dim(-1) is the last dimension.
  uint32_t dim(int index) const;
  DType dtype() const { return dtype_; }
  size_t elements() const { return elementCount(shape_); }
  size_t bytes() const { return elements() * dtypeSize(dtype_); }
  bool valid() const { return base_ != nullptr; }
  bool sameStorage(const Tensor& other) const { return base_ == other.base_ && offset_ == other.offset_; }

  // The buffer range; throws if the plan holding it is not finalized yet.
  gpu::BufferSlice slice() const;
  // The same memory seen with another shape of equal element count.
  Tensor reshaped(Shape shape) const;
  // Item `index` along the first dimension (a view: [1, ...rest]).
  Tensor batchItem(uint32_t index) const;

  VkDeviceSize offset() const { return offset_; }

 private:
  std::shared_ptr<gpu::BufferSlice> base_;
  VkDeviceSize offset_ = 0;
  Shape shape_;
  DType dtype_ = DType::F16;
};

}  // namespace afterimage::nn
