// The bindings and push constants of the attention kernels
// (attention_body.glsl, attention_coopmat_body.glsl; engine/nn/attention.cpp's
// AttentionPush and FeatureBankAttentionPush): q [B, Tq, H*D], k and v
// [B, Tk, H*D], o [B, Tq, H*D], all f16, and with BANKED the feature bank's
// keys and values [S * B, Tk, H*D] and its state (engine/nn/feature_bank.h).
// The including kernel defines how it reads them: QUERY_TYPE for q's
// elements, ROW_TYPE for the others'.
layout(std430, binding = 0) readonly buffer Queries { QUERY_TYPE q[]; };
layout(std430, binding = 1) readonly buffer Keys { ROW_TYPE k[]; };
layout(std430, binding = 2) readonly buffer Values { ROW_TYPE v[]; };
layout(std430, binding = 3) writeonly buffer Output { ROW_TYPE o[]; };
#if BANKED
layout(std430, binding = 4) readonly buffer BankKeys { ROW_TYPE bankK[]; };
layout(std430, binding = 5) readonly buffer BankValues { ROW_TYPE bankV[]; };
layout(std430, binding = 6) readonly buffer BankState { float bankWeight, bankReset, bankSlot, bankFusion; };
#endif

layout(push_constant) uniform Params {
  uint queries;   // Tq
  uint keys;      // Tk
  uint channels4; // H * D / 4: row stride in vec4s
  float scale;    // log2(e) / sqrt(D): the softmax runs in base 2
#if BANKED
  uint slots;     // S
  uint batches;   // B
#endif
} p;
