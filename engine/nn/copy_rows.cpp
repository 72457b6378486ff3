#include "engine/nn/copy_rows.h"

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {

void copyRowsInto(Plan& plan, const Tensor& source, uint32_t first, const Tensor& destination) {
  Shape rowShape = source.shape(), destinationRow = destination.shape();
  if (rowShape.empty() || destinationRow.empty())
    throw gpu::GpuError("copyRows: tensors need a first dimension");
  uint32_t count = destination.dim(0);
  rowShape[0] = destinationRow[0] = 1;
  if (rowShape != destinationRow || source.dtype() != destination.dtype() || first + count > source.dim(0))
    throw gpu::GpuError("copyRows: rows " + std::to_string(first) + " + " + std::to_string(count) + " of " +
                        toString(source.shape()) + " do not fit " + toString(destination.shape()));
  VkDeviceSize rowBytes = elementCount(rowShape) * dtypeSize(source.dtype());
  plan.add([source, destination, first, rowBytes](gpu::CommandSequence& sequence) {
    VkDeviceSize bytes = destination.bytes();
    sequence.copy(source.slice().sub(first * rowBytes, bytes), destination.slice(), bytes);
  });
}

}  // namespace afterimage::nn
