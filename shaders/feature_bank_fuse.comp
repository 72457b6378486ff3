#version 450
// StreamV2V's feature fusion: each token of a self-attention layer's output
// finds its nearest token (cosine similarity) among the banked frames'
// outputs of the same batch item; where the similarity reaches the
// threshold, the output moves by the state's fusion strength towards it.
// Unchanged on a reset frame or at strength 0. One invocation per token.
// out and fused [B, T, C], bank [S * B, T, C] (slot s of item b: row s * B + b), f16.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Output { f16vec4 outputs[]; };
layout(std430, binding = 1) readonly buffer Bank { f16vec4 bank[]; };
layout(std430, binding = 2) readonly buffer BankState { float bankWeight, bankReset, bankSlot, bankFusion; };
layout(std430, binding = 3) writeonly buffer Fused { f16vec4 fused[]; };

layout(push_constant) uniform Params {
  uint tokens;     // T
  uint channels4;  // C / 4
  uint slots;      // S
  uint batches;    // B
  float threshold; // cosine similarity at which a banked token is taken
} p;

void main() {
  uint token = gl_GlobalInvocationID.x, batch = gl_WorkGroupID.y;
  if (token >= p.tokens) return;
  uint row = (batch * p.tokens + token) * p.channels4;
  float strength = bankReset == 0.0 ? clamp(bankFusion, 0.0, 1.0) : 0.0;
  if (strength == 0.0) {
    for (uint c = 0; c < p.channels4; ++c) fused[row + c] = outputs[row + c];
    return;
  }
  float selfNorm = 0.0;
  for (uint c = 0; c < p.channels4; ++c) {
    vec4 a = vec4(outputs[row + c]);
    selfNorm += dot(a, a);
  }
  float best = -2.0;
  uint bestRow = row;
  for (uint s = 0; s < p.slots; ++s) {
    for (uint t = 0; t < p.tokens; ++t) {
      uint candidate = ((s * p.batches + batch) * p.tokens + t) * p.channels4;
      float product = 0.0, norm = 0.0;
      for (uint c = 0; c < p.channels4; ++c) {
        vec4 a = vec4(outputs[row + c]), b = vec4(bank[candidate + c]);
        product += dot(a, b);
        norm += dot(b, b);
      }
      // As F.normalize: norms clamped at 1e-12.
      float cosine = product / (max(sqrt(selfNorm), 1e-12) * max(sqrt(norm), 1e-12));
      if (cosine > best) best = cosine, bestRow = candidate;
    }
  }
  bool take = best >= p.threshold;
  for (uint c = 0; c < p.channels4; ++c) {
    vec4 a = vec4(outputs[row + c]);
    fused[row + c] = f16vec4(take ? mix(a, vec4(bank[bestRow + c]), strength) : a);
  }
}
