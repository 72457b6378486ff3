#include "engine/cli/error_report.h"

#include "engine/cli/arguments.h"
#include "engine/gpu/gpu_error.h"

namespace afterimage::cli {

ErrorReport describeError(const std::exception& error) {
  if (dynamic_cast<const UsageError*>(&error)) return {64, error.what()};
  if (dynamic_cast<const gpu::GpuUnavailable*>(&error)) return {2, error.what()};
  if (dynamic_cast<const gpu::DeviceLost*>(&error))
    return {1, std::string("the GPU was lost (driver reset or removed): ") + error.what()};
  if (dynamic_cast<const gpu::OutOfGpuMemory*>(&error))
    return {1, std::string(error.what()) + "; choose a smaller --size, fewer --steps, or another GPU (--gpu)"};
  return {1, error.what()};
}

}  // namespace afterimage::cli
