#include "engine/nn/matmul.h"

#include <stdexcept>

#include "engine/gpu/gpu_error.h"

namespace afterimage::nn {
namespace {

struct MatmulPush {
  uint32_t M, N, K;
  uint32_t lda, ldb, ldc;
  uint32_t batchStrideA, batchStrideB, batchStrideC;
  float alpha;
  float eps;  // the row norm's
  uint32_t rowsPerAdd;
};

constexpr uint32_t kTile = 64;

// matmul_register.comp: a workgroup of 8 invocations (one subgroup) covers
// 16 rows and 8 x 16 columns.
constexpr uint32_t kRegisterLanes = 8, kRegisterRows = 16, kRegisterColumns = 8 * 16;

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

}  // namespace

MatmulKernel chooseMatmulKernel(const gpu::DeviceInfo& device) {
  return device.type == "cpu" && device.subgroupSize >= kRegisterLanes ? MatmulKernel::Register : MatmulKernel::Tiled;
}

const char* matmulKernelName(MatmulKernel kernel) {
  switch (kernel) {
    case MatmulKernel::Auto: return "auto";
    case MatmulKernel::Tiled: return "tiled";
    case MatmulKernel::Register: return "register";
    case MatmulKernel::Coopmat: return "coopmat";
  }
  return "?";
}

MatmulKernel parseMatmulKernel(const std::string& name) {
  for (auto kernel : {MatmulKernel::Auto, MatmulKernel::Tiled, MatmulKernel::Register, MatmulKernel::Coopmat})
    if (name == matmulKernelName(kernel)) return kernel;
  throw std::invalid_argument("unknown matmul kernel '" + name + "' (have: auto, tiled, register, coopmat)");
}

bool coopmatMatmulFits(const gpu::DeviceInfo& device, const MatmulShape& s) {
  return device.tensorCores && s.K % 8 == 0 && s.N % 8 == 0;
}

MatmulKernel recordMatmul(gpu::Context& context, gpu::CommandSequence& sequence, const MatmulShape& s,
                          const gpu::BufferSlice& a, const gpu::BufferSlice& b, const MatmulEpilogue& epilogue,
                          const gpu::BufferSlice& c, MatmulKernel kernel, const CoopmatTile* tile,
                          const MatmulRowNorm& rowNorm) {
  const uint64_t half = 2;
  const gpu::BufferSlice &bias = epilogue.bias, &residual = epilogue.residual;
  if (epilogue.geglu && (s.N % 2 != 0 || residual || epilogue.biasPerRow || epilogue.activation != Activation::None))
    throw gpu::GpuError("recordMatmul: GEGLU needs an even N (" + std::to_string(s.N) +
                        ") and no residual, activation or bias per row");
  const bool normRows = bool(rowNorm.gamma);
  if (normRows && (!rowNorm.beta || rowNorm.gamma.size < half * s.K || rowNorm.beta.size < half * s.K))
    throw gpu::GpuError("recordMatmul: the row norm needs gamma and beta of K (" + std::to_string(s.K) + ") halves");
  const bool addRows = normRows && bool(rowNorm.add);
  if (addRows && (rowNorm.rowsPerAdd == 0 ||
                  rowNorm.add.size < half * s.K * ((uint64_t(s.M) + rowNorm.rowsPerAdd - 1) / rowNorm.rowsPerAdd)))
    throw gpu::GpuError("recordMatmul: the row norm's add needs K (" + std::to_string(s.K) + ") halves for every " +
                        std::to_string(rowNorm.rowsPerAdd) + " of the " + std::to_string(s.M) + " rows");
  const uint32_t columnsOfC = epilogue.geglu ? s.N / 2 : s.N;
  uint64_t outputs = uint64_t(s.batch) * s.M * columnsOfC;
  if (a.size < half * (s.aShared ? 1 : s.batch) * s.M * s.K || b.size < half * s.batch * s.K * s.N ||
      c.size < half * outputs || (bias && bias.size < half * (epilogue.biasPerRow ? s.M : s.N)) ||
      (residual && residual.size < half * outputs)) {
    throw gpu::GpuError("recordMatmul: a buffer is smaller than the shape needs");
  }
  if (s.M == 0 || s.N == 0 || s.K == 0 || s.batch == 0) throw gpu::GpuError("recordMatmul: a dimension is zero");
  const bool coopmatFits = coopmatMatmulFits(context.info(), s);
  const CoopmatTile chosen = tile ? *tile
                             : coopmatFits ? chooseCoopmatTile(context.info(), s.M, s.N, s.batch, s.bTransposed)
                                           : CoopmatTile{};
  const bool emulationFits = coopmatEmulationFits(context.info(), chosen, s.K);
  if (kernel == MatmulKernel::Auto)
    kernel = coopmatFits && emulationFits ? MatmulKernel::Coopmat : chooseMatmulKernel(context.info());
  MatmulPush push{s.M, s.N, s.K, s.K, s.bTransposed ? s.K : s.N, columnsOfC, s.aShared ? 0 : s.M * s.K, s.K * s.N,
                  s.M * columnsOfC, s.alpha, rowNorm.eps, addRows ? rowNorm.rowsPerAdd : 1u};
  uint32_t transposed = s.bTransposed ? 1u : 0u, withBias = bias ? (epilogue.biasPerRow ? 2u : 1u) : 0u;
  uint32_t withResidual = residual ? 1u : 0u, activation = static_cast<uint32_t>(epilogue.activation);
  uint32_t geglu = epilogue.geglu ? 1u : 0u, withRowNorm = normRows ? 1u : 0u, withRowAdd = addRows ? 1u : 0u;
  // Unused bindings hold a, which the kernel then never reads.
  std::initializer_list<gpu::BufferSlice> bindings{a, b, bias ? bias : a, c, residual ? residual : a,
                                                   normRows ? rowNorm.gamma : a, normRows ? rowNorm.beta : a,
                                                   addRows ? rowNorm.add : a};
  if (kernel == MatmulKernel::Coopmat) {
    if (!coopmatMatmulFits(context.info(), s))
      throw gpu::GpuError("recordMatmul: the tensor-core kernel needs a device with them ('" + context.info().name +
                          "': " + (context.info().tensorCores ? "yes" : "no") + ") and K, N multiples of 8 (" +
                          std::to_string(s.K) + ", " + std::to_string(s.N) + ")");
    if (!emulationFits)
      throw gpu::GpuError("recordMatmul: K " + std::to_string(s.K) + " is too deep for the emulated tensor-core "
                          "kernel on tile " + chosen.name() + " (lavapipe's loop limit; AFTERIMAGE_COOPMAT=emulate)");
    const auto& pipeline = context.pipelines().get(
        {"matmul_coopmat", 8, sizeof(MatmulPush),
         coopmatSpecialization({transposed, withBias, withResidual, activation, geglu, withRowNorm, withRowAdd},
                               chosen)});
    sequence.dispatch(pipeline, bindings, push, ceilDiv(s.N, chosen.columns), ceilDiv(s.M, chosen.rows), s.batch);
  } else if (kernel == MatmulKernel::Tiled) {
    const auto& pipeline = context.pipelines().get(
        {"matmul", 8, sizeof(MatmulPush),
                                  {transposed, withBias, withResidual, activation, geglu, withRowNorm, withRowAdd}});
    sequence.dispatch(pipeline, bindings, push, ceilDiv(s.N, kTile), ceilDiv(s.M, kTile), s.batch);
  } else {
    if (context.info().subgroupSize < kRegisterLanes)
      throw gpu::GpuError("recordMatmul: the register kernel needs subgroups of at least 8 invocations, '" +
                          context.info().name + "' has " + std::to_string(context.info().subgroupSize));
    // 128-bit word loads need rows of A and B that start on 8 halves.
    uint32_t vector = s.K % 8 == 0 && (s.bTransposed || s.N % 8 == 0) ? 1u : 0u;
    const auto& pipeline = context.pipelines().get(
        {"matmul_register", 8, sizeof(MatmulPush),
         {transposed, withBias, vector, withResidual, activation, geglu, withRowNorm, withRowAdd}});
    sequence.dispatch(pipeline, bindings, push, ceilDiv(s.N, kRegisterColumns), ceilDiv(s.M, kRegisterRows),
                      s.batch);
  }
  return kernel;
}

std::vector<float> matmulReference(const MatmulShape& s, const std::vector<float>& a, const std::vector<float>& b,
                                   const std::vector<float>& bias) {
  std::vector<float> c(size_t(s.batch) * s.M * s.N);
  for (uint32_t batch = 0; batch < s.batch; ++batch) {
    const float* A = a.data() + size_t(batch) * s.M * s.K;
    const float* B = b.data() + size_t(batch) * s.K * s.N;
    float* C = c.data() + size_t(batch) * s.M * s.N;
    for (uint32_t i = 0; i < s.M; ++i) {
      for (uint32_t j = 0; j < s.N; ++j) {
        double sum = 0;
        for (uint32_t k = 0; k < s.K; ++k)
          sum += double(A[size_t(i) * s.K + k]) * (s.bTransposed ? B[size_t(j) * s.K + k] : B[size_t(k) * s.N + j]);
        C[size_t(i) * s.N + j] = float(s.alpha * sum + (bias.empty() ? 0.0 : bias[j]));
      }
    }
  }
  return c;
}

}  // namespace afterimage::nn
