// Scaled dot-product attention, flash style: one invocation per query row
// keeps its query and output row in registers, the workgroup streams key and
// value blocks through shared memory, and an online softmax (running max and
// sum, f32) rescales the output once per block. No [Tq, Tk] matrix is ever
// stored. q [B, Tq, H*D], k and v [B, Tk, H*D], o [B, Tq, H*D], all f16.
// Workgroup (x, y, z) = (block of 64 queries, head, batch).
//
// Included by attention.comp (BANKED 0) and feature_bank_attention.comp
// (BANKED 1). The banked variant also attends to the keys and values of past
// frames kept in a feature bank [S * B, Tk, H*D] (slot s of batch item b is
// row s * B + b), their softmax weights scaled by the state's weight: a score
// offset of log2(weight), so weight 1 is plain attention over the
// concatenation and weight 0 ignores the bank, as does a reset frame.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint D4 = 16;    // head dimension / 4
layout(constant_id = 1) const uint KEYS = 32;  // keys per shared-memory block
layout(constant_id = 2) const uint CAUSAL = 0;  // 1: query i sees keys 0..i only

#define QUERY_TYPE f16vec4
#define ROW_TYPE f16vec4
#include "attention_interface.glsl"

const uint QUERIES = 64;
const float NEGATIVE = -1e30;  // finite: exp2(NEGATIVE - max) is 0, where -inf - -inf is NaN

shared vec4 keyBlock[KEYS * D4];
shared vec4 valueBlock[KEYS * D4];
// Each invocation's scores of the current block, [key][invocation]. Kept out
// of a local array so the key loops need not be unrolled to stay in registers
// (unrolling them makes the pipeline slow to compile, minutes on lavapipe).
shared float scoreBlock[KEYS * QUERIES];

void main() {
  uint local = gl_LocalInvocationID.x;
  uint head = gl_WorkGroupID.y, batch = gl_WorkGroupID.z;
  uint query = gl_WorkGroupID.x * QUERIES + local;
  bool writes = query < p.queries;

  uint queryRow = (batch * p.queries + min(query, p.queries - 1)) * p.channels4 + head * D4;
  vec4 qv[D4], acc[D4];
  [[unroll]] for (uint d = 0; d < D4; ++d) {
    qv[d] = vec4(q[queryRow + d]) * p.scale;
    acc[d] = vec4(0.0);
  }
  float runningMax = NEGATIVE, runningSum = 0.0;

  uint keyBase = batch * p.keys * p.channels4 + head * D4;
  // Causal: no query of this workgroup sees keys past its last query.
  uint keyEnd = CAUSAL != 0 ? min(p.keys, gl_WorkGroupID.x * QUERIES + QUERIES) : p.keys;
  uint totalKeys = keyEnd;
#if BANKED
  // The bank's keys follow the frame's own: key keys + j is slot j / keys, token j % keys.
  bool useBank = bankWeight > 0.0 && bankReset == 0.0;
  float bankOffset = useBank ? log2(bankWeight) : 0.0;
  if (useBank) totalKeys += p.slots * p.keys;
#endif
  for (uint k0 = 0; k0 < totalKeys; k0 += KEYS) {
    uint count = min(KEYS, totalKeys - k0);
    barrier();  // the previous block has been read by every invocation
    for (uint i = local; i < count * D4; i += QUERIES) {
      uint key = k0 + i / D4;
#if BANKED
      if (key >= p.keys) {
        uint banked = key - p.keys, slot = banked / p.keys;
        uint index = ((slot * p.batches + batch) * p.keys + banked % p.keys) * p.channels4 + head * D4 + i % D4;
        keyBlock[i] = vec4(bankK[index]);
        valueBlock[i] = vec4(bankV[index]);
        continue;
      }
#endif
      uint index = keyBase + key * p.channels4 + i % D4;
      keyBlock[i] = vec4(k[index]);
      valueBlock[i] = vec4(v[index]);
    }
    barrier();

    float blockMax = runningMax;
    [[dont_unroll]] for (uint j = 0; j < count; ++j) {
      float s = 0.0;
      [[unroll]] for (uint d = 0; d < D4; ++d) s += dot(qv[d], keyBlock[j * D4 + d]);
      if (CAUSAL != 0 && k0 + j > query) s = NEGATIVE;
#if BANKED
      if (k0 + j >= p.keys) s += bankOffset;
#endif
      scoreBlock[j * QUERIES + local] = s;
      blockMax = max(blockMax, s);
    }
    float correction = exp2(runningMax - blockMax);
    runningSum *= correction;
    [[unroll]] for (uint d = 0; d < D4; ++d) acc[d] *= correction;
    [[dont_unroll]] for (uint j = 0; j < count; ++j) {
      float weight = exp2(scoreBlock[j * QUERIES + local] - blockMax);
      runningSum += weight;
      [[unroll]] for (uint d = 0; d < D4; ++d) acc[d] += weight * valueBlock[j * D4 + d];
    }
    runningMax = blockMax;
  }

  if (writes) {
    float inverse = 1.0 / runningSum;
    [[unroll]] for (uint d = 0; d < D4; ++d) o[queryRow + d] = f16vec4(acc[d] * inverse);
  }
}
