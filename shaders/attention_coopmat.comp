#version 450
// Scaled dot-product attention on tensor cores (cooperative matrices), flash
// style: the same contract as attention.comp (q [B, Tq, H*D], k and v
// [B, Tk, H*D], o [B, Tq, H*D], f16; softmax in base 2 with the scale
// folded in) for head sizes that are multiples of 16 and query counts that
// are multiples of 16, without a causal mask. A workgroup takes 64 queries
// of one head; each of its 4 subgroups owns 16 of them. Per block of 64 keys:
// S = Q K^T on the tensor cores, the online softmax on the subgroup's lanes
// (two lanes a query row), then P V on the tensor cores, added into the
// lanes' f32 output rows after rescaling them by the new running maximum.
// No [Tq, Tk] matrix leaves shared memory.
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 128) in;
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

const uint QUERIES = 64, KEYS = 64, SUBGROUPS = 4;
const uint KV_STRIDE = D / 8 + 1;     // 16-byte words per shared key/value row (one of padding)
const uint P_STRIDE = KEYS / 8 + 1;
const uint ROW_FLOATS = KEYS > D ? KEYS : D;
const uint HALF_ROW = D / 2;          // output columns each lane keeps
const float NEGATIVE = -1e30;

shared uvec4 keyBlock[KEYS * KV_STRIDE];
shared uvec4 valueBlock[KEYS * KV_STRIDE];
shared uvec4 probabilities[SUBGROUPS * 16 * P_STRIDE];  // each subgroup's P, f16
shared float scores[SUBGROUPS * 16 * ROW_FLOATS];       // each subgroup's S, then its P V block

void main() {
  uint subgroup = gl_SubgroupID, lane = gl_SubgroupInvocationID;
  uint head = gl_WorkGroupID.y, batch = gl_WorkGroupID.z;
  uint channels = p.channels4 * 4;
  uint query0 = gl_WorkGroupID.x * QUERIES + subgroup * 16;
  bool hasQueries = query0 < p.queries;  // whole subgroups only: the query count is a multiple of 16

  fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> queryTiles[D / 16];
  [[unroll]] for (uint c = 0; c < D / 16; ++c) {
    if (hasQueries)
      coopMatLoadNV(queryTiles[c], q, (batch * p.queries + query0) * channels + head * D + c * 16, channels, false);
    else
      queryTiles[c] = fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>(0.0);
  }

  // Lane pairs own a query row: lane / 2 is the row, lane % 2 the half of its columns.
  uint row = lane / 2, side = lane % 2;
  float runningMax = NEGATIVE, runningSum = 0.0;
  float acc[HALF_ROW];
  [[unroll]] for (uint c = 0; c < HALF_ROW; ++c) acc[c] = 0.0;
  uint scoreBase = subgroup * 16 * ROW_FLOATS;
  uint probabilityBase = subgroup * 16 * P_STRIDE;

  for (uint key0 = 0; key0 < p.keys; key0 += KEYS) {
    barrier();  // every subgroup is done with the previous block
    for (uint word = gl_LocalInvocationID.x; word < KEYS * D / 8; word += 128) {
      uint key = word / (D / 8), column = word % (D / 8);
      uvec4 keyWords = uvec4(0), valueWords = uvec4(0);
      if (key0 + key < p.keys) {
        uint at = ((batch * p.keys + key0 + key) * channels + head * D) / 8 + column;
        keyWords = k[at];
        valueWords = v[at];
      }
      keyBlock[key * KV_STRIDE + column] = keyWords;
      valueBlock[key * KV_STRIDE + column] = valueWords;
    }
    barrier();

    // S = Q K^T: K^T's columns are the rows of the key block (column-major load).
    [[unroll]] for (uint n = 0; n < KEYS / 16; ++n) {
      fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> s = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);
      [[unroll]] for (uint c = 0; c < D / 16; ++c) {
        fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> keyTile;
        coopMatLoadNV(keyTile, keyBlock, n * 16 * KV_STRIDE + c * 2, KV_STRIDE, true);
        s = coopMatMulAddNV(queryTiles[c], keyTile, s);
      }
      coopMatStoreNV(s, scores, scoreBase + n * 16, ROW_FLOATS, false);
    }
    subgroupMemoryBarrierShared();
    subgroupBarrier();

    // Online softmax over this block, two lanes per row.
    float blockMax = NEGATIVE;
    float values[KEYS / 2];
    [[unroll]] for (uint j = 0; j < KEYS / 2; ++j) {
      uint key = side * (KEYS / 2) + j;
      float s = scores[scoreBase + row * ROW_FLOATS + key] * p.scale;
      values[j] = key0 + key < p.keys ? s : NEGATIVE;
      blockMax = max(blockMax, values[j]);
    }
    blockMax = max(blockMax, subgroupShuffleXor(blockMax, 1));
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
    blockSum += subgroupShuffleXor(blockSum, 1);
    runningSum = runningSum * correction + blockSum;
    runningMax = newMax;
    subgroupMemoryBarrierShared();
    subgroupBarrier();  // P is written and S is read by every lane

    // P V into the scores area, then into the lanes' rows.
    [[unroll]] for (uint n = 0; n < D / 16; ++n) {
      fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> pv = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);
      [[unroll]] for (uint c = 0; c < KEYS / 16; ++c) {
        fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> pTile, valueTile;
        coopMatLoadNV(pTile, probabilities, probabilityBase + c * 2, P_STRIDE, false);
        coopMatLoadNV(valueTile, valueBlock, c * 16 * KV_STRIDE + n * 2, KV_STRIDE, false);
        pv = coopMatMulAddNV(pTile, valueTile, pv);
      }
      coopMatStoreNV(pv, scores, scoreBase + n * 16, ROW_FLOATS, false);
    }
    subgroupMemoryBarrierShared();
    subgroupBarrier();
    [[unroll]] for (uint c = 0; c < HALF_ROW; ++c)
      acc[c] = acc[c] * correction + scores[scoreBase + row * ROW_FLOATS + side * HALF_ROW + c];
    subgroupBarrier();  // read before the next block's S overwrites it
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
