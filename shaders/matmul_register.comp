#version 450
// Batched matrix multiply for CPU Vulkan devices (llvmpipe), same contract
// as matmul.comp: C = alpha * A * B (+ bias), f16 storage, f32 accumulation.
//
// llvmpipe runs a workgroup on one CPU thread with one SIMD lane per
// invocation, and a buffer load whose address is not a constant becomes a
// loop over the lanes, one scalar load each: loads, not arithmetic, are what
// cost. So each invocation keeps an 8x8 block of C in registers (64 FMAs per
// k for 8 + 8 loaded values), loads two halves per 32-bit word, and the 8
// invocations of a workgroup share one block of 8 rows of A: each lane loads
// one row's next 8 values of K and the others read it with
// subgroupBroadcast, which llvmpipe compiles to a register shuffle. No shared
// memory, no barriers. Needs a subgroup of at least 8 invocations.
//
// VECTOR (host-checked: K and N multiples of 8) reads and writes whole
// 32-bit and 128-bit words; otherwise single halves with bounds checks.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_shader_subgroup_ballot : require

layout(local_size_x = 8, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint B_TRANSPOSED = 0;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint VECTOR = 0;

const uint ROWS = 8;   // rows of C per workgroup = lanes
const uint COLS = 8;   // columns of C per invocation
const uint DEPTH = 8;  // values of K per step

// Each matrix is seen as halves and, when VECTOR, as packed words.
layout(std430, binding = 0) readonly buffer MatrixA { float16_t a[]; };
layout(std430, binding = 0) readonly buffer MatrixA4 { uvec4 a4[]; };
layout(std430, binding = 1) readonly buffer MatrixB { float16_t b[]; };
layout(std430, binding = 1) readonly buffer MatrixB1 { uint b1[]; };
layout(std430, binding = 1) readonly buffer MatrixB4 { uvec4 b4[]; };
layout(std430, binding = 2) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 3) writeonly buffer MatrixC { float16_t c[]; };
layout(std430, binding = 3) writeonly buffer MatrixC4 { uvec4 c4[]; };

layout(push_constant) uniform Params {
  uint M, N, K;
  uint lda, ldb, ldc;
  uint batchStrideA, batchStrideB, batchStrideC;
  float alpha;
} p;

// Halves k and k + 1 of a row starting at `start`, packed; zero past K.
uint packedA(uint start, uint k) {
  float x = k < p.K ? float(a[start + k]) : 0.0;
  float y = k + 1 < p.K ? float(a[start + k + 1]) : 0.0;
  return packHalf2x16(vec2(x, y));
}

float loadB(uint offsetB, uint k, uint col) {
  k = min(k, p.K - 1);  // A is zero there
  return float(B_TRANSPOSED != 0 ? b[offsetB + col * p.ldb + k] : b[offsetB + k * p.ldb + col]);
}

void main() {
  uint lane = gl_LocalInvocationID.x;
  uint row0 = gl_WorkGroupID.y * ROWS;
  uint col0 = (gl_WorkGroupID.x * gl_WorkGroupSize.x + lane) * COLS;
  uint offsetA = gl_WorkGroupID.z * p.batchStrideA;
  uint offsetB = gl_WorkGroupID.z * p.batchStrideB;
  uint offsetC = gl_WorkGroupID.z * p.batchStrideC;

  // Out-of-range rows and columns read the last valid one and are not stored.
  uint startA = offsetA + min(row0 + lane, p.M - 1) * p.lda;
  uint cols[COLS];
  for (uint j = 0; j < COLS; ++j) cols[j] = min(col0 + j, p.N - 1);
  // VECTOR and not transposed: the 8 columns are one 128-bit word (N % 8 == 0).
  uint colBlock = min(col0, p.N - COLS);

  float acc[ROWS][COLS];
  for (uint i = 0; i < ROWS; ++i)
    for (uint j = 0; j < COLS; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < p.K; k0 += DEPTH) {
    uint myA[DEPTH / 2];  // this lane's row of A at k0 .. k0 + 7
    if (VECTOR != 0) {
      uvec4 word = a4[(startA + k0) / 8];
      myA = uint[](word.x, word.y, word.z, word.w);
    } else {
      for (uint q = 0; q < DEPTH / 2; ++q) myA[q] = packedA(startA, k0 + 2 * q);
    }

    for (uint q = 0; q < DEPTH / 2; ++q) {
      uint k = k0 + 2 * q;
      vec2 bv[COLS];  // B at k and k + 1 for each column
      if (VECTOR != 0 && B_TRANSPOSED != 0) {
        for (uint j = 0; j < COLS; ++j) bv[j] = unpackHalf2x16(b1[(offsetB + cols[j] * p.ldb + k) / 2]);
      } else if (VECTOR != 0) {
        uvec4 w0 = b4[(offsetB + k * p.ldb + colBlock) / 8];
        uvec4 w1 = b4[(offsetB + (k + 1) * p.ldb + colBlock) / 8];
        for (uint j = 0; j < COLS / 2; ++j) {
          vec2 x = unpackHalf2x16(w0[j]), y = unpackHalf2x16(w1[j]);
          bv[2 * j] = vec2(x.x, y.x);
          bv[2 * j + 1] = vec2(x.y, y.y);
        }
      } else {
        for (uint j = 0; j < COLS; ++j) bv[j] = vec2(loadB(offsetB, k, cols[j]), loadB(offsetB, k + 1, cols[j]));
      }
      // subgroupBroadcast needs a constant lane: one line per row.
#define ROW(i)                                                               \
  {                                                                          \
    vec2 av = unpackHalf2x16(subgroupBroadcast(myA[q], i));                  \
    for (uint j = 0; j < COLS; ++j) acc[i][j] += av.x * bv[j].x + av.y * bv[j].y; \
  }
      ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7)
#undef ROW
    }
  }

  for (uint i = 0; i < ROWS; ++i) {
    uint row = row0 + i;
    if (row >= p.M) break;
    float value[COLS];
    for (uint j = 0; j < COLS; ++j) {
      value[j] = p.alpha * acc[i][j];
      if (HAS_BIAS != 0) value[j] += float(bias[cols[j]]);
    }
    if (VECTOR != 0) {
      if (col0 < p.N)
        c4[(offsetC + row * p.ldc + col0) / 8] =
            uvec4(packHalf2x16(vec2(value[0], value[1])), packHalf2x16(vec2(value[2], value[3])),
                  packHalf2x16(vec2(value[4], value[5])), packHalf2x16(vec2(value[6], value[7])));
    } else {
      for (uint j = 0; j < COLS; ++j)
        if (col0 + j < p.N) c[offsetC + row * p.ldc + col0 + j] = float16_t(value[j]);
    }
  }
}
