#version 450
// Batched matrix multiply C = act(alpha * A * B (+ bias) (+ residual)), f16
// storage, f32 accumulation. A is [M, K] row-major; B is [K, N], or [N, K]
// when B_TRANSPOSED (a PyTorch Linear weight). HAS_BIAS 1: bias[N] per
// column; 2: bias[M] per row. The residual has C's layout. Each 16x16
// workgroup computes a 64x64 tile of C through shared-memory tiles of depth 16.
// GEGLU: B's columns come in (value, gate) pairs, 2j and 2j + 1, and C has
// N / 2 columns: C[r, j] = value * GELU(gate); an invocation then holds 4
// adjacent columns instead of 4 columns 16 apart, so each pair is its own.
// ROW_NORM: each row of A is layer-normalized over K as it is loaded,
// (a - mean) / sqrt(variance + eps) * gamma[k] + beta[k]; the workgroup
// first measures its 64 rows, four invocations a row. ROW_ADD: then +
// add[row / rowsPerAdd, k] (a motion module's frame positions).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;
layout(constant_id = 0) const uint B_TRANSPOSED = 0;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint HAS_RESIDUAL = 0;
layout(constant_id = 3) const uint ACTIVATION = 0;
layout(constant_id = 4) const uint GEGLU = 0;
layout(constant_id = 5) const uint ROW_NORM = 0;
layout(constant_id = 6) const uint ROW_ADD = 0;

layout(std430, binding = 0) readonly buffer MatrixA { float16_t a[]; };
layout(std430, binding = 1) readonly buffer MatrixB { float16_t b[]; };
layout(std430, binding = 2) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 3) writeonly buffer MatrixC { float16_t c[]; };
layout(std430, binding = 4) readonly buffer Residual { float16_t residual[]; };
layout(std430, binding = 5) readonly buffer NormGamma { float16_t gamma[]; };
layout(std430, binding = 6) readonly buffer NormBeta { float16_t beta[]; };
layout(std430, binding = 7) readonly buffer NormAdd { float16_t add[]; };
#include "activation.glsl"

layout(push_constant) uniform Params {
  uint M, N, K;
  uint lda, ldb, ldc;
  uint batchStrideA, batchStrideB, batchStrideC;
  float alpha;
  float eps;  // ROW_NORM
  uint rowsPerAdd;  // ROW_ADD
} p;

const uint TILE = 64;
const uint DEPTH = 16;
const uint THREADS = 256;

shared float tileA[DEPTH][TILE + 1];
shared float tileB[DEPTH][TILE + 1];

shared float rowPart[TILE][4];
shared vec2 rowMeanScale[TILE];

// The tile column of this invocation's j-th column.
uint tileColumn(uint tx, uint j) { return GEGLU != 0 ? 4 * tx + j : tx + 16 * j; }

void main() {
  uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
  uint thread = ty * 16 + tx;
  uint row0 = gl_WorkGroupID.y * TILE, col0 = gl_WorkGroupID.x * TILE;
  uint offsetA = gl_WorkGroupID.z * p.batchStrideA;
  uint offsetB = gl_WorkGroupID.z * p.batchStrideB;
  uint offsetC = gl_WorkGroupID.z * p.batchStrideC;

  if (ROW_NORM != 0) {
    uint r = thread / 4, part = thread % 4;
    uint start = offsetA + min(row0 + r, p.M - 1) * p.lda;
    float sum = 0.0;
    for (uint k = part; k < p.K; k += 4) sum += float(a[start + k]);
    rowPart[r][part] = sum;
    barrier();
    float mean = (rowPart[r][0] + rowPart[r][1] + rowPart[r][2] + rowPart[r][3]) / float(p.K);
    barrier();
    float squares = 0.0;
    for (uint k = part; k < p.K; k += 4) {
      float d = float(a[start + k]) - mean;
      squares += d * d;
    }
    rowPart[r][part] = squares;
    barrier();
    if (part == 0)
      rowMeanScale[r] = vec2(mean, inversesqrt((rowPart[r][0] + rowPart[r][1] + rowPart[r][2] + rowPart[r][3]) /
                                                   float(p.K) + p.eps));
    barrier();
  }

  float acc[4][4];
  for (uint i = 0; i < 4; ++i)
    for (uint j = 0; j < 4; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < p.K; k0 += DEPTH) {
    for (uint i = 0; i < TILE * DEPTH / THREADS; ++i) {
      uint index = thread + i * THREADS;
      uint r = index / DEPTH, kk = index % DEPTH;
      uint row = row0 + r, k = k0 + kk;
      float value = (row < p.M && k < p.K) ? float(a[offsetA + row * p.lda + k]) : 0.0;
      if (ROW_NORM != 0 && row < p.M && k < p.K)
        value = (value - rowMeanScale[r].x) * rowMeanScale[r].y * float(gamma[k]) + float(beta[k]) +
                (ROW_ADD != 0 ? float(add[row / p.rowsPerAdd * p.K + k]) : 0.0);
      tileA[kk][r] = value;
    }
    for (uint i = 0; i < TILE * DEPTH / THREADS; ++i) {
      uint index = thread + i * THREADS;
      uint n, kk;
      if (B_TRANSPOSED != 0) {
        n = index / DEPTH, kk = index % DEPTH;
      } else {
        kk = index / TILE, n = index % TILE;
      }
      uint col = col0 + n, k = k0 + kk;
      float value = 0.0;
      if (col < p.N && k < p.K)
        value = float(B_TRANSPOSED != 0 ? b[offsetB + col * p.ldb + k] : b[offsetB + k * p.ldb + col]);
      tileB[kk][n] = value;
    }
    barrier();
    for (uint kk = 0; kk < DEPTH; ++kk) {
      float av[4], bv[4];
      for (uint i = 0; i < 4; ++i) av[i] = tileA[kk][ty + 16 * i];
      for (uint j = 0; j < 4; ++j) bv[j] = tileB[kk][tileColumn(tx, j)];
      for (uint i = 0; i < 4; ++i)
        for (uint j = 0; j < 4; ++j) acc[i][j] += av[i] * bv[j];
    }
    barrier();
  }

  if (GEGLU != 0) {
    for (uint i = 0; i < 4; ++i) {
      uint row = row0 + ty + 16 * i;
      if (row >= p.M) continue;
      for (uint j = 0; j < 4; j += 2) {
        uint col = col0 + tileColumn(tx, j);
        if (col + 1 >= p.N) continue;
        float value = p.alpha * acc[i][j], gate = p.alpha * acc[i][j + 1];
        if (HAS_BIAS != 0) value += float(bias[col]), gate += float(bias[col + 1]);
        c[offsetC + row * p.ldc + col / 2] = float16_t(geglu(value, gate));
      }
    }
    return;
  }
  for (uint i = 0; i < 4; ++i) {
    uint row = row0 + ty + 16 * i;
    if (row >= p.M) continue;
    for (uint j = 0; j < 4; ++j) {
      uint col = col0 + tx + 16 * j;
      if (col >= p.N) continue;
      float value = p.alpha * acc[i][j];
      if (HAS_BIAS != 0) value += float(bias[HAS_BIAS == 2 ? row : col]);
      uint at = offsetC + row * p.ldc + col;
      if (HAS_RESIDUAL != 0) value += float(residual[at]);
      c[at] = float16_t(applyActivation(ACTIVATION, value));
    }
  }
}
