#version 450
// Batched matrix multiply for CPU Vulkan devices (llvmpipe), same contract
// as matmul.comp: C = act(alpha * A * B (+ bias) (+ residual)), f16 storage,
// f32 accumulation.
//
// llvmpipe runs a workgroup on one CPU thread, one SIMD lane per invocation.
// A buffer load whose address is not a constant becomes a loop over the
// lanes with one bounds-checked scalar load each, so moving data, not
// arithmetic, is what costs. Hence:
// - each invocation keeps a 16x16 block of C (256 accumulators), so every
//   loaded value feeds 16 multiply-adds;
// - loads take two halves per 32-bit word (VECTOR: four words at once);
// - the 8 invocations of a workgroup share their 16 rows of A: each lane
//   loads the next 8 values of K of two rows and the others read them with
//   subgroupBroadcast, a register shuffle;
// - each accumulator takes all 8 products of a step at once, so it is read
//   and written once per step when it lives in memory (256 do not fit in
//   registers).
// No shared memory, no barriers. The workgroup must be one subgroup: the
// host picks this kernel only for subgroups of at least 8 invocations.
// Larger blocks were measured a little faster but take llvmpipe seconds to
// compile.
//
// VECTOR (set by the host when K % 8 == 0, and N % 8 == 0 unless B is
// transposed) reads whole words; otherwise single halves with bounds checks.
// GEGLU: B's columns come in (value, gate) pairs, 2j and 2j + 1, and C has
// N / 2 columns: C[r, j] = value * GELU(gate) (a transformer's feed-forward
// input layer and its gate in one pass); an invocation's 16 columns start
// on an even column, so each pair is its own.
// ROW_NORM: each row of A is layer-normalized over K as it is loaded,
// (a - mean) / sqrt(variance + eps) * gamma[k] + beta[k] (a transformer's
// LayerNorm before its first layer), so the normalized rows are never
// stored; each lane first measures its two rows. ROW_ADD: then + add[row /
// rowsPerAdd, k] (a motion module's frame positions: one row of add per
// frame, rowsPerAdd pixels a frame).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 8, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint B_TRANSPOSED = 0;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint VECTOR = 0;
layout(constant_id = 3) const uint HAS_RESIDUAL = 0;
layout(constant_id = 4) const uint ACTIVATION = 0;
layout(constant_id = 5) const uint GEGLU = 0;
layout(constant_id = 6) const uint ROW_NORM = 0;
layout(constant_id = 7) const uint ROW_ADD = 0;

const uint LANES = 8;
const uint ROWS = 16;  // rows of C per workgroup, two per lane
const uint COLS = 16;  // columns of C per invocation
const uint DEPTH = 8;  // values of K per step

// Each matrix is seen as halves and, for VECTOR, as packed words.
layout(std430, binding = 0) readonly buffer MatrixA { float16_t a[]; };
layout(std430, binding = 0) readonly buffer MatrixA4 { uvec4 a4[]; };
layout(std430, binding = 1) readonly buffer MatrixB { float16_t b[]; };
layout(std430, binding = 1) readonly buffer MatrixB4 { uvec4 b4[]; };
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

// Halves k and k + 1 of the row of A starting at `start`, packed; zero past
// K, so the products of the last partial step vanish.
uint packedA(uint start, uint k) {
  float x = k < p.K ? float(a[start + k]) : 0.0;
  float y = k + 1 < p.K ? float(a[start + k + 1]) : 0.0;
  return packHalf2x16(vec2(x, y));
}

// The sum of (A - centre) and of its squares over the 8 halves of a word.
vec2 wordSums(uvec4 word, float centre) {
  vec2 sums = vec2(0.0);
  [[unroll]] for (uint w = 0; w < 4; ++w) {
    vec2 d = unpackHalf2x16(word[w]) - centre;
    sums += vec2(d.x + d.y, dot(d, d));
  }
  return sums;
}

// Two passes over the row starting at `start`: its mean, then its spread
// (whole words where VECTOR).
vec2 rowMeanAndScale(uint start) {
  float sum = 0.0, squares = 0.0;
  if (VECTOR != 0) {
    for (uint k = 0; k < p.K; k += 8) sum += wordSums(a4[(start + k) / 8], 0.0).x;
  } else {
    for (uint k = 0; k < p.K; ++k) sum += float(a[start + k]);
  }
  float mean = sum / float(p.K);
  if (VECTOR != 0) {
    for (uint k = 0; k < p.K; k += 8) squares += wordSums(a4[(start + k) / 8], mean).y;
  } else {
    for (uint k = 0; k < p.K; ++k) {
      float d = float(a[start + k]) - mean;
      squares += d * d;
    }
  }
  return vec2(mean, inversesqrt(squares / float(p.K) + p.eps));
}

// Two packed halves of A at k, k + 1 normalized (and + add from addStart);
// zero past K.
uint normalizedPair(uint pair, uint k, vec2 meanScale, uint addStart) {
  vec2 v = unpackHalf2x16(pair);
  float x = 0.0, y = 0.0;
  if (k < p.K) {
    x = (v.x - meanScale.x) * meanScale.y * float(gamma[k]) + float(beta[k]);
    if (ROW_ADD != 0) x += float(add[addStart + k]);
  }
  if (k + 1 < p.K) {
    y = (v.y - meanScale.x) * meanScale.y * float(gamma[k + 1]) + float(beta[k + 1]);
    if (ROW_ADD != 0) y += float(add[addStart + k + 1]);
  }
  return packHalf2x16(vec2(x, y));
}

float loadB(uint offsetB, uint k, uint col) {
  k = min(k, p.K - 1);  // A is zero there
  return float(B_TRANSPOSED != 0 ? b[offsetB + col * p.ldb + k] : b[offsetB + k * p.ldb + col]);
}

void main() {
  uint lane = gl_LocalInvocationID.x;
  uint row0 = gl_WorkGroupID.y * ROWS;
  uint col0 = (gl_WorkGroupID.x * LANES + lane) * COLS;
  uint offsetA = gl_WorkGroupID.z * p.batchStrideA;
  uint offsetB = gl_WorkGroupID.z * p.batchStrideB;
  uint offsetC = gl_WorkGroupID.z * p.batchStrideC;

  // Out-of-range rows and columns read the last valid one and are not stored.
  uint startA[ROWS / LANES];  // the rows this lane loads: lane, lane + 8
  vec2 meanScale[ROWS / LANES];  // ROW_NORM
  uint addStart[ROWS / LANES];   // ROW_ADD: where the rows' row of add starts
  [[unroll]] for (uint h = 0; h < ROWS / LANES; ++h) {
    uint row = min(row0 + LANES * h + lane, p.M - 1);
    startA[h] = offsetA + row * p.lda;
    if (ROW_NORM != 0) meanScale[h] = rowMeanAndScale(startA[h]);
    addStart[h] = ROW_ADD != 0 ? row / p.rowsPerAdd * p.K : 0;
  }
  uint cols[COLS];
  [[unroll]] for (uint j = 0; j < COLS; ++j) cols[j] = min(col0 + j, p.N - 1);

  float acc[ROWS][COLS];
  [[unroll]] for (uint i = 0; i < ROWS; ++i)
    [[unroll]] for (uint j = 0; j < COLS; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < p.K; k0 += DEPTH) {
    uint myA[ROWS / LANES][DEPTH / 2];  // this lane's rows at k0 .. k0 + 7, packed
    [[unroll]] for (uint h = 0; h < ROWS / LANES; ++h) {
      if (VECTOR != 0) {
        uvec4 word = a4[(startA[h] + k0) / 8];
        myA[h] = uint[](word.x, word.y, word.z, word.w);
      } else {
        [[unroll]] for (uint q = 0; q < DEPTH / 2; ++q) myA[h][q] = packedA(startA[h], k0 + 2 * q);
      }
      if (ROW_NORM != 0)
        [[unroll]] for (uint q = 0; q < DEPTH / 2; ++q)
          myA[h][q] = normalizedPair(myA[h][q], k0 + 2 * q, meanScale[h], addStart[h]);
    }

    float bk[DEPTH][COLS];  // B at k0 + kk for this lane's columns
    if (VECTOR != 0 && B_TRANSPOSED != 0) {
      [[unroll]] for (uint j = 0; j < COLS; ++j) {
        uvec4 word = b4[(offsetB + cols[j] * p.ldb + k0) / 8];
        [[unroll]] for (uint w = 0; w < 4; ++w) {
          vec2 v = unpackHalf2x16(word[w]);
          bk[2 * w][j] = v.x, bk[2 * w + 1][j] = v.y;
        }
      }
    } else if (VECTOR != 0) {
      // 8 columns per word; a group past N reads the last one (N % 8 == 0).
      [[unroll]] for (uint kk = 0; kk < DEPTH; ++kk) {
        [[unroll]] for (uint g = 0; g < COLS / 8; ++g) {
          uvec4 word = b4[(offsetB + (k0 + kk) * p.ldb + min(col0 + 8 * g, p.N - 8)) / 8];
          [[unroll]] for (uint w = 0; w < 4; ++w) {
            vec2 v = unpackHalf2x16(word[w]);
            bk[kk][8 * g + 2 * w] = v.x, bk[kk][8 * g + 2 * w + 1] = v.y;
          }
        }
      }
    } else {
      [[unroll]] for (uint kk = 0; kk < DEPTH; ++kk)
        [[unroll]] for (uint j = 0; j < COLS; ++j) bk[kk][j] = loadB(offsetB, k0 + kk, cols[j]);
    }

    // subgroupBroadcast needs a constant lane: one line per row.
#define ROW(i)                                                                            \
  {                                                                                       \
    float ak[DEPTH];                                                                      \
    [[unroll]] for (uint q = 0; q < DEPTH / 2; ++q) {                                     \
      vec2 v = unpackHalf2x16(subgroupBroadcast(myA[i / LANES][q], i % LANES));           \
      ak[2 * q] = v.x, ak[2 * q + 1] = v.y;                                               \
    }                                                                                     \
    [[unroll]] for (uint j = 0; j < COLS; ++j) {                                          \
      float sum = acc[i][j];                                                              \
      [[unroll]] for (uint kk = 0; kk < DEPTH; ++kk) sum = fma(ak[kk], bk[kk][j], sum);   \
      acc[i][j] = sum;                                                                    \
    }                                                                                     \
  }
    ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7)
    ROW(8) ROW(9) ROW(10) ROW(11) ROW(12) ROW(13) ROW(14) ROW(15)
#undef ROW
  }

  if (GEGLU != 0) {
    [[unroll]] for (uint i = 0; i < ROWS; ++i) {
      uint row = row0 + i;
      if (row >= p.M) break;
      [[unroll]] for (uint j = 0; j < COLS; j += 2) {
        if (col0 + j + 1 >= p.N) break;
        float value = p.alpha * acc[i][j], gate = p.alpha * acc[i][j + 1];
        if (HAS_BIAS != 0) value += float(bias[cols[j]]), gate += float(bias[cols[j + 1]]);
        c[offsetC + row * p.ldc + (col0 + j) / 2] = float16_t(geglu(value, gate));
      }
    }
    return;
  }
  [[unroll]] for (uint i = 0; i < ROWS; ++i) {
    uint row = row0 + i;
    if (row >= p.M) break;
    [[unroll]] for (uint j = 0; j < COLS; ++j) {
      if (col0 + j >= p.N) break;
      float value = p.alpha * acc[i][j];
      if (HAS_BIAS != 0) value += float(bias[HAS_BIAS == 2 ? row : cols[j]]);
      uint at = offsetC + row * p.ldc + col0 + j;
      if (HAS_RESIDUAL != 0) value += float(residual[at]);
      c[at] = float16_t(applyActivation(ACTIVATION, value));
    }
  }
}
