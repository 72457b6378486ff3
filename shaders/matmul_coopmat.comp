#version 450
// Batched matrix multiply C = act(alpha * A * B (+ bias) (+ residual)) on
// tensor cores (cooperative matrices), f16 storage, f32 accumulation: the same
// contract as matmul.comp (bias per column or per row), for shapes whose K and
// N are multiples of 8 (16-byte rows). GEGLU: B's columns come in (value,
// gate) pairs, 2j and 2j + 1, and C has N / 2 columns: C[r, j] = value *
// GELU(gate); a lane's 8 columns are 4 whole pairs. ROW_NORM: each row of A
// is layer-normalized over K as it is loaded, (a - mean) / sqrt(variance +
// eps) * gamma[k] + beta[k]; the workgroup first measures its BM rows.
// ROW_ADD: then + add[row / rowsPerAdd, k] (a motion module's frame positions).
// A is [M, K] row-major; B is [K, N], or [N, K] when B_TRANSPOSED.
layout(constant_id = 0) const uint B_TRANSPOSED = 0;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint HAS_RESIDUAL = 0;
layout(constant_id = 3) const uint ACTIVATION = 0;
layout(constant_id = 4) const uint GEGLU = 0;
layout(constant_id = 5) const uint ROW_NORM = 0;
layout(constant_id = 6) const uint ROW_ADD = 0;
#define B_COLUMN_MAJOR B_TRANSPOSED
#extension GL_GOOGLE_include_directive : require
#include "gemm_coopmat.glsl"
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer MatrixA { uvec4 a[]; };
layout(std430, binding = 1) readonly buffer MatrixB { uvec4 b[]; };
layout(std430, binding = 2) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 3) writeonly buffer MatrixC { uvec4 c[]; };
layout(std430, binding = 3) writeonly buffer MatrixCGated { uvec2 cGated[]; };  // GEGLU: 4 halves
layout(std430, binding = 4) readonly buffer Residual { uvec4 residual[]; };
layout(std430, binding = 5) readonly buffer NormGamma { uvec4 gamma[]; };
layout(std430, binding = 6) readonly buffer NormBeta { uvec4 beta[]; };
layout(std430, binding = 7) readonly buffer NormAdd { uvec4 add[]; };

layout(push_constant) uniform Params {
  uint M, N, K;
  uint lda, ldb, ldc;
  uint batchStrideA, batchStrideB, batchStrideC;
  float alpha;
  float eps;  // ROW_NORM
  uint rowsPerAdd;  // ROW_ADD
} p;

// Mean and 1 / deviation of the row of A at `start` (K a multiple of 8).
vec2 measureRow(uint start) {
  float sum = 0.0;
  for (uint k = 0; k < p.K; k += 8) {
    vec4 low, high;
    unpackHalves(a[(start + k) / 8], low, high);
    sum += dot(low, vec4(1.0)) + dot(high, vec4(1.0));
  }
  float mean = sum / float(p.K), squares = 0.0;
  for (uint k = 0; k < p.K; k += 8) {
    vec4 low, high;
    unpackHalves(a[(start + k) / 8], low, high);
    low -= mean;
    high -= mean;
    squares += dot(low, low) + dot(high, high);
  }
  return vec2(mean, inversesqrt(squares / float(p.K) + p.eps));
}

uvec4 loadA(uint row, uint k) {
  if (row >= p.M || k >= p.K) return uvec4(0);
  uvec4 words = a[(gl_WorkGroupID.z * p.batchStrideA + row * p.lda + k) / 8];
  if (ROW_NORM == 0) return words;
  vec4 low, high, gLow, gHigh, bLow, bHigh;
  unpackHalves(words, low, high);
  unpackHalves(gamma[k / 8], gLow, gHigh);
  unpackHalves(beta[k / 8], bLow, bHigh);
  uint r = row - gl_WorkGroupID.y * BM;
  vec2 meanScale = vec2(staging[2 * r], staging[2 * r + 1]);
  low = (low - meanScale.x) * meanScale.y * gLow + bLow;
  high = (high - meanScale.x) * meanScale.y * gHigh + bHigh;
  if (ROW_ADD != 0) {
    vec4 aLow, aHigh;
    unpackHalves(add[(row / p.rowsPerAdd * p.K + k) / 8], aLow, aHigh);
    low += aLow;
    high += aHigh;
  }
  return packHalves(low, high);
}

uvec4 loadB(uint i, uint j) {
  uint base = gl_WorkGroupID.z * p.batchStrideB;
  if (B_TRANSPOSED != 0) {  // i = n, j = k
    if (i >= p.N || j >= p.K) return uvec4(0);
    return b[(base + i * p.ldb + j) / 8];
  }
  if (i >= p.K || j >= p.N) return uvec4(0);  // i = k, j = n
  return b[(base + i * p.ldb + j) / 8];
}

void writeOutput(uint row, uint col, vec4 low, vec4 high) {
  if (row >= p.M || col >= p.N) return;
  low *= p.alpha;
  high *= p.alpha;
  if (HAS_BIAS == 1) {
    low += vec4(bias[col], bias[col + 1], bias[col + 2], bias[col + 3]);
    high += vec4(bias[col + 4], bias[col + 5], bias[col + 6], bias[col + 7]);
  } else if (HAS_BIAS == 2) {
    float b = float(bias[row]);
    low += b;
    high += b;
  }
  if (GEGLU != 0) {
    vec4 gated = vec4(geglu(low.x, low.y), geglu(low.z, low.w), geglu(high.x, high.y), geglu(high.z, high.w));
    cGated[(gl_WorkGroupID.z * p.batchStrideC + row * p.ldc + col / 2) / 4] =
        uvec2(packFloat2x16(f16vec2(gated.xy)), packFloat2x16(f16vec2(gated.zw)));
    return;
  }
  uint at = (gl_WorkGroupID.z * p.batchStrideC + row * p.ldc + col) / 8;
  if (HAS_RESIDUAL != 0) {
    vec4 rLow, rHigh;
    unpackHalves(residual[at], rLow, rHigh);
    low += rLow;
    high += rHigh;
  }
  [[unroll]] for (uint j = 0; j < 4; ++j) {
    low[j] = applyActivation(ACTIVATION, low[j]);
    high[j] = applyActivation(ACTIVATION, high[j]);
  }
  c[at] = packHalves(low, high);
}

void main() {
  // The rows' mean and scale wait in the epilogue's staging area: it holds
  // 256 floats per subgroup and a tile has BM / WM >= BM / 64 rows of
  // subgroups (engine/nn/coopmat_tile.cpp), so 2 BM fit; the last loadA is
  // behind a barrier that every subgroup passes before its epilogue.
  if (ROW_NORM != 0) {
    for (uint r = gl_LocalInvocationID.x; r < BM; r += gl_WorkGroupSize.x) {
      uint row = min(gl_WorkGroupID.y * BM + r, p.M - 1);
      vec2 meanScale = measureRow(gl_WorkGroupID.z * p.batchStrideA + row * p.lda);
      staging[2 * r] = meanScale.x;
      staging[2 * r + 1] = meanScale.y;
    }
    barrier();
  }
  gemmTile(gl_WorkGroupID.y * BM, gl_WorkGroupID.x * BN, 0, p.K);
}
