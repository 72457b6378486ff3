#version 450
// Attention over the frame axis at every pixel (AnimateDiff's temporal
// self-attention). A workgroup takes one pixel and one head: its query, key
// and value rows (frames x head dimension, a few KiB) go to shared memory
// once, then scores, softmax and the weighted sum run there.
// q [FQ, P, H*D], k and v [FK, P, H*D], o [FQ, P, H*D], all f16 (frames first).
// Query i is the window's frame FK - FQ + i. Workgroup (x, y) = (pixel, head).
// With OTHER_WEIGHTED the softmax weights of every key frame but the query's
// own are scaled by a GPU-side weight (0 attends to the frame itself alone,
// 1 as without it), which a show changes frame by frame without re-recording.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint D4 = 1;      // head dimension / 4
layout(constant_id = 1) const uint FQ = 1;      // query frames
layout(constant_id = 2) const uint FK = 1;      // key frames
layout(constant_id = 3) const uint CAUSAL = 0;  // 1: a query sees key frames up to its own
layout(constant_id = 4) const uint OTHER_WEIGHTED = 0;

layout(std430, binding = 0) readonly buffer Queries { f16vec4 q[]; };
layout(std430, binding = 1) readonly buffer Keys { f16vec4 k[]; };
layout(std430, binding = 2) readonly buffer Values { f16vec4 v[]; };
layout(std430, binding = 3) writeonly buffer Output { f16vec4 o[]; };
layout(std430, binding = 4) readonly buffer OtherWeight { float otherWeight; };  // read with OTHER_WEIGHTED only

layout(push_constant) uniform Params {
  uint pixels;     // P
  uint channels4;  // H * D / 4: row stride in vec4s
  float scale;     // 1 / sqrt(D)
} p;

const uint THREADS = 64;

shared f16vec4 queryRows[FQ * D4];
shared f16vec4 keyRows[FK * D4];
shared f16vec4 valueRows[FK * D4];
shared float weights[FQ * FK];  // scores, then softmax weights, [query][key]

// Element d of the workgroup's pixel and head in `frame`.
uint rowIndex(uint frame, uint d) {
  return (frame * p.pixels + gl_WorkGroupID.x) * p.channels4 + gl_WorkGroupID.y * D4 + d;
}

void main() {
  uint local = gl_LocalInvocationID.x;
  for (uint i = local; i < FK * D4; i += THREADS) {
    uint index = rowIndex(i / D4, i % D4);
    keyRows[i] = k[index];
    valueRows[i] = v[index];
  }
  for (uint i = local; i < FQ * D4; i += THREADS) queryRows[i] = q[rowIndex(i / D4, i % D4)];
  // Scaling a softmax weight by w is adding log(w) to its score; the
  // largest score is then taken over the scaled ones, so the sum cannot
  // underflow to 0 however small w is.
  float otherBias = 0.0;
  // 1 (or more) adds exactly 0: log(1) need not be exact on every driver.
  if (OTHER_WEIGHTED != 0) otherBias = otherWeight >= 1.0 ? 0.0 : otherWeight > 0.0 ? log(otherWeight) : -1e30;
  barrier();

  for (uint i = local; i < FQ * FK; i += THREADS) {
    uint query = i / FK, key = i % FK;
    float s = 0.0;
    for (uint d = 0; d < D4; ++d) s += dot(vec4(queryRows[query * D4 + d]), vec4(keyRows[key * D4 + d]));
    uint own = FK - FQ + query;
    bool hidden = CAUSAL != 0 && key > own;
    weights[i] = hidden ? -1e30 : s * p.scale + (key == own ? 0.0 : otherBias);  // finite: exp(-1e30 - max) is 0
  }
  barrier();

  for (uint query = local; query < FQ; query += THREADS) {
    float largest = -1e30;
    for (uint key = 0; key < FK; ++key) largest = max(largest, weights[query * FK + key]);
    float sum = 0.0;
    for (uint key = 0; key < FK; ++key) {
      float e = exp(weights[query * FK + key] - largest);
      weights[query * FK + key] = e;
      sum += e;
    }
    float inverse = 1.0 / sum;
    for (uint key = 0; key < FK; ++key) weights[query * FK + key] *= inverse;
  }
  barrier();

  for (uint i = local; i < FQ * D4; i += THREADS) {
    uint query = i / D4, d = i % D4;
    vec4 acc = vec4(0.0);
    for (uint key = 0; key < FK; ++key) acc += weights[query * FK + key] * vec4(valueRows[key * D4 + d]);
    o[rowIndex(query, d)] = f16vec4(acc);
  }
}
