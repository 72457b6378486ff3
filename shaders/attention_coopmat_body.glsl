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
//
// Included by attention_coopmat.comp (BANKED 0) and
// feature_bank_attention_coopmat.comp (BANKED 1): the banked variant also
// attends to a feature bank's keys and values as attention_body.glsl's does
// (they follow the frame's own keys; their scores offset by log2(weight);
// not read on a reset frame or at weight 0).
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_control_flow_attributes : require

#ifdef COOPMAT_EMULATED
#define SUBGROUP_COUNT 2
#else
#define SUBGROUP_COUNT 4
#endif
#define COOPMAT_THREADS (SUBGROUP_COUNT * 32)
layout(local_size_x = COOPMAT_THREADS) in;
#include "coopmat.glsl"
layout(constant_id = 0) const uint D = 64;  // head dimension, a multiple of 16

#define QUERY_TYPE float16_t
#define ROW_TYPE uvec4
#include "attention_interface.glsl"

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

// Word `column` (of D / 8) of key `key`'s row of this workgroup's head and
// batch item, and of its value's: the frame's own keys, then (BANKED) the
// bank's, where slot s's token t is key keys + s * keys + t; zero past `end`.
void fetchKeyWord(uint key, uint column, uint end, out uvec4 keyWord, out uvec4 valueWord) {
  uint head = gl_WorkGroupID.y, batch = gl_WorkGroupID.z, channels = p.channels4 * 4;
  keyWord = uvec4(0);
  valueWord = uvec4(0);
  if (key < p.keys) {
    uint at = ((batch * p.keys + key) * channels + head * D) / 8 + column;
    keyWord = k[at];
    valueWord = v[at];
  }
#if BANKED
  else if (key < end) {
    uint banked = key - p.keys, slot = banked / p.keys;
    uint at = (((slot * p.batches + batch) * p.keys + banked % p.keys) * channels + head * D) / 8 + column;
    keyWord = bankK[at];
    valueWord = bankV[at];
  }
#endif
}

void main() {
  uint subgroup = SUBGROUP_ID, lane = SUBGROUP_LANE;
  uint head = gl_WorkGroupID.y, batch = gl_WorkGroupID.z;
  uint channels = p.channels4 * 4;
  uint totalKeys = p.keys;
#if BANKED
  bool useBank = bankWeight > 0.0 && bankReset == 0.0;
  float bankOffset = useBank ? log2(bankWeight) : 0.0;
  if (useBank) totalKeys += p.slots * p.keys;
#endif
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
    uint word = gl_LocalInvocationID.x + i * THREADS;
    fetchKeyWord(word / (D / 8), word % (D / 8), totalKeys, nextKeys[i], nextValues[i]);
  }

  for (uint key0 = 0; key0 < totalKeys; key0 += KEYS) {
    barrier();  // every subgroup is done with the previous block
    [[unroll]] for (uint i = 0; i < BLOCK_WORDS; ++i) {
      uint word = gl_LocalInvocationID.x + i * THREADS;
      keyBlock[word / (D / 8) * KV_STRIDE + word % (D / 8)] = nextKeys[i];
      valueBlock[word / (D / 8) * KV_STRIDE + word % (D / 8)] = nextValues[i];
    }
    barrier();
    [[unroll]] for (uint i = 0; i < BLOCK_WORDS; ++i) {
      uint word = gl_LocalInvocationID.x + i * THREADS;
      fetchKeyWord(key0 + KEYS + word / (D / 8), word % (D / 8), totalKeys, nextKeys[i], nextValues[i]);
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
        uint key = key0 + side * (KEYS / 2) + j;
        values[j] = key < totalKeys ? word[i] : NEGATIVE;
#if BANKED
        if (key >= p.keys) values[j] += bankOffset;
#endif
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
