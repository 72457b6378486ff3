#version 450
// Scaled dot-product attention on tensor cores (cooperative matrices), flash
// style: the same contract as attention.comp (q [B, Tq, H*D], k and v
// [B, Tk, H*D], o [B, Tq, H*D], f16; softmax in base 2 with the scale
// folded in) for head sizes that are multiples of 16 and query counts that
// are multiples of 16, without a causal mask. A workgroup takes 64 queries
// of one head; each of its 4 subgroups owns 16 of them (the emulated build:
// 32 queries, 2 subgroups, so that it fits in lavapipe's 32 KiB of shared
// memory; engine/nn/attention.cpp counts both). Per block of 64 keys:
// S = Q K^T on the tensor cores, the online softmax on the subgroup's lanes
// (two lanes a query row), then P V on the tensor cores, added into the
// lanes' f32 output rows after rescaling them by the new running maximum.
// No [Tq, Tk] matrix leaves shared memory. Lane l owns row l % 16, half l / 16
// of it, and reads 16-byte words: with rows one word longer than the data,
// the eight lanes a shared-memory access serves at a time hit eight different
// bank groups.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_GOOGLE_include_directive : require

#ifdef COOPMAT_EMULATED
#define SUBGROUP_COUNT 2
#else
#define SUBGROUP_COUNT 4
#endif
#define COOPMAT_THREADS (SUBGROUP_COUNT * 32)
layout(local_size_x = COOPMAT_THREADS) in;
#include "coopmat.glsl"
layout(constant_id = 0) const uint D = 64;  // head dimension, a multiple of 16

layout(std430, binding = 0) readonly buffer Queries { float16_t q[]; };
layout(std430, binding = 1) readonly buffer Keys { uvec4 k[]; };
layout(std430, binding = 2) readonly buffer Values { uvec4 v[]; };
layout(std430, binding = 3) writeonly buffer Output { uvec4 o[]; };

layout(push_constant) uniform Params {
  uint queries;   // Tq
  uint keys;      // Tk
  uint channels4; // H * D / 4: row stride in vec4s
  float scale;    // log2(e) / sqrt(D)
} p;

const uint SUBGROUPS = SUBGROUP_COUNT, QUERIES = SUBGROUPS * 16, KEYS = 64, THREADS = COOPMAT_THREADS;
const uint KV_STRIDE = D / 8 + 1;     // 16-byte words per shared key/value row (one of padding)
const uint P_STRIDE = KEYS / 8 + 1;
const uint ROW_WORDS = (KEYS > D ? KEYS : D) / 4 + 1;  // 16-byte words per S or P V row
const uint HALF_ROW = D / 2;          // output columns each lane keeps
const float NEGATIVE = -1e30;

shared uvec4 keyBlock[KEYS * KV_STRIDE];
shared uvec4 valueBlock[KEYS * KV_STRIDE];
shared uvec4 probabilities[SUBGROUPS * 16 * P_STRIDE];  // each subgroup's P, f16
shared uvec4 scores[SUBGROUPS * 16 * ROW_WORDS];        // each subgroup's S, then its P V block, f32

void main() {
  uint subgroup = SUBGROUP_ID, lane = SUBGROUP_LANE;
  uint head = gl_WorkGroupID.y, batch = gl_WorkGroupID.z;
  uint channels = p.channels4 * 4;
  uint query0 = gl_WorkGroupID.x * QUERIES + subgroup * 16;
  bool hasQueries = query0 < p.queries;  // whole subgroups only: the query count is a multiple of 16

  HALF_TILE queryTiles[D / 16];
  [[unroll]] for (uint c = 0; c < D / 16; ++c) {
    if (hasQueries) {
      TILE_LOAD(queryTiles[c], q, (batch * p.queries + query0) * channels + head * D + c * 16, channels, false);
    } else {
      queryTiles[c] = ZERO_HALF_TILE;
    }
  }

  // Two lanes own a query row: lane % 16 is the row, lane / 16 the half of its columns.
  uint row = lane % 16, side = lane / 16;
  float runningMax = NEGATIVE, runningSum = 0.0;
  float acc[HALF_ROW];
  [[unroll]] for (uint c = 0; c < HALF_ROW; ++c) acc[c] = 0.0;
  uint scoreBase = subgroup * 16 * ROW_WORDS;
  uint probabilityBase = subgroup * 16 * P_STRIDE;

  // Key and value blocks travel through registers: the next block is read
  // from memory while the tensor cores work on this one.
  const uint BLOCK_WORDS = KEYS * D / 8 / THREADS;  // 16-byte words per invocation per block
  uvec4 nextKeys[BLOCK_WORDS], nextValues[BLOCK_WORDS];
  [[unroll]] for (uint i = 0; i < BLOCK_WORDS; ++i) {
    uint word = gl_LocalInvocationID.x + i * THREADS, key = word / (D / 8);
    uint at = ((batch * p.keys + key) * channels + head * D) / 8 + word % (D / 8);
    nextKeys[i] = key < p.keys ? k[at] : uvec4(0);
    nextValues[i] = key < p.keys ? v[at] : uvec4(0);
  }

  for (uint key0 = 0; key0 < p.keys; key0 += KEYS) {
    barrier();  // every subgroup is done with the previous block
    [[unroll]] for (uint i = 0; i < BLOCK_WORDS; ++i) {
      uint word = gl_LocalInvocationID.x + i * THREADS;
      keyBlock[word / (D / 8) * KV_STRIDE + word % (D / 8)] = nextKeys[i];
      valueBlock[word / (D / 8) * KV_STRIDE + word % (D / 8)] = nextValues[i];
    }
    barrier();
    [[unroll]] for (uint i = 0; i < BLOCK_WORDS; ++i) {
      uint word = gl_LocalInvocationID.x + i * THREADS, key = key0 + KEYS + word / (D / 8);
      uint at = ((batch * p.keys + key) * channels + head * D) / 8 + word % (D / 8);
      nextKeys[i] = key < p.keys ? k[at] : uvec4(0);
      nextValues[i] = key < p.keys ? v[at] : uvec4(0);
    }

    // S = Q K^T: K^T's columns are the rows of the key block (column-major load).
    [[unroll]] for (uint n = 0; n < KEYS / 16; ++n) {
      FLOAT_TILE s = ZERO_FLOAT_TILE;
      [[unroll]] for (uint c = 0; c < D / 16; ++c) {
        HALF_TILE keyTile;
        TILE_LOAD(keyTile, keyBlock, n * 16 * KV_STRIDE + c * 2, KV_STRIDE, true);
        TILE_MUL_ADD(s, queryTiles[c], keyTile);
      }
      TILE_STORE(s, scores, scoreBase + n * 4, ROW_WORDS, false);
    }
    SUBGROUP_SYNC_SHARED();

    // Online softmax over this block, two lanes per row.
    float blockMax = NEGATIVE;
    float values[KEYS / 2];
    [[unroll]] for (uint w = 0; w < KEYS / 8; ++w) {
      vec4 word = uintBitsToFloat(scores[scoreBase + row * ROW_WORDS + side * (KEYS / 8) + w]) * p.scale;
      [[unroll]] for (uint i = 0; i < 4; ++i) {
        uint j = w * 4 + i;
        values[j] = key0 + side * (KEYS / 2) + j < p.keys ? word[i] : NEGATIVE;
        blockMax = max(blockMax, values[j]);
      }
    }
    blockMax = max(blockMax, SHUFFLE_XOR(blockMax, 16));
    float newMax = max(runningMax, blockMax);
    float correction = exp2(runningMax - newMax);
    float blockSum = 0.0;
    [[unroll]] for (uint j = 0; j < KEYS / 2; j += 8) {
      float16_t e[8];
      [[unroll]] for (uint i = 0; i < 8; ++i) {
        float weight = exp2(values[j + i] - newMax);
        blockSum += weight;
        e[i] = float16_t(weight);
      }
      probabilities[probabilityBase + row * P_STRIDE + (side * (KEYS / 2) + j) / 8] =
          uvec4(packFloat2x16(f16vec2(e[0], e[1])), packFloat2x16(f16vec2(e[2], e[3])),
                packFloat2x16(f16vec2(e[4], e[5])), packFloat2x16(f16vec2(e[6], e[7])));
    }
    blockSum += SHUFFLE_XOR(blockSum, 16);
    runningSum = runningSum * correction + blockSum;
    runningMax = newMax;
    SUBGROUP_SYNC_SHARED();  // P is written and S is read by every lane

    // P V into the scores area, then into the lanes' rows.
    [[unroll]] for (uint n = 0; n < D / 16; ++n) {
      FLOAT_TILE pv = ZERO_FLOAT_TILE;
      [[unroll]] for (uint c = 0; c < KEYS / 16; ++c) {
        HALF_TILE pTile, valueTile;
        TILE_LOAD(pTile, probabilities, probabilityBase + c * 2, P_STRIDE, false);
        TILE_LOAD(valueTile, valueBlock, c * 16 * KV_STRIDE + n * 2, KV_STRIDE, false);
        TILE_MUL_ADD(pv, pTile, valueTile);
      }
      TILE_STORE(pv, scores, scoreBase + n * 4, ROW_WORDS, false);
    }
    SUBGROUP_SYNC_SHARED();
    [[unroll]] for (uint w = 0; w < HALF_ROW / 4; ++w) {
      vec4 word = uintBitsToFloat(scores[scoreBase + row * ROW_WORDS + side * (HALF_ROW / 4) + w]);
      [[unroll]] for (uint i = 0; i < 4; ++i) acc[w * 4 + i] = acc[w * 4 + i] * correction + word[i];
    }
    SUBGROUP_SYNC();  // read before the next block's S overwrites it
  }

  if (!hasQueries) return;
  float inverse = 1.0 / runningSum;
  uint at = ((batch * p.queries + query0 + row) * channels + head * D + side * HALF_ROW) / 8;
  [[unroll]] for (uint c = 0; c < HALF_ROW; c += 8) {
    o[at + c / 8] = uvec4(packFloat2x16(f16vec2(vec2(acc[c], acc[c + 1]) * inverse)),
                          packFloat2x16(f16vec2(vec2(acc[c + 2], acc[c + 3]) * inverse)),
                          packFloat2x16(f16vec2(vec2(acc[c + 4], acc[c + 5]) * inverse)),
                          packFloat2x16(f16vec2(vec2(acc[c + 6], acc[c + 7]) * inverse)));
  }
}
