#version 450
// Keeps a frame's tensor (a self-attention layer's keys, values or output)
// in its feature bank, a ring of S slots [S * B, T, C] (slot-major): into
// the state's slot, or into every slot on a reset frame, so a fresh bank
// holds that frame repeated.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Frame { float16_t frame[]; };
layout(std430, binding = 1) readonly buffer BankState { float bankWeight, bankReset, bankSlot, bankFusion; };
layout(std430, binding = 2) writeonly buffer Bank { float16_t bank[]; };

layout(push_constant) uniform Params {
  uint frameElements;  // B * T * C
  uint slots;          // S
} p;

void main() {
  bool everySlot = bankReset != 0.0;
  uint slot = uint(bankSlot);
  uint count = p.frameElements * (everySlot ? p.slots : 1u);
  uint stride = gl_NumWorkGroups.x * 256;
  for (uint i = gl_GlobalInvocationID.x; i < count; i += stride) {
    uint element = i % p.frameElements;
    bank[everySlot ? i : slot * p.frameElements + element] = frame[element];
  }
}
