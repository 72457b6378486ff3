#version 450
// Keeps a frame's self-attention keys and values in its feature bank, a ring
// of S slots [S * B, T, C] (slot-major): into the state's slot, or into every
// slot on a reset frame, so a fresh bank holds that frame repeated.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Keys { float16_t k[]; };
layout(std430, binding = 1) readonly buffer Values { float16_t v[]; };
layout(std430, binding = 2) readonly buffer BankState { float bankWeight, bankReset, bankSlot; };
layout(std430, binding = 3) writeonly buffer BankKeys { float16_t bankK[]; };
layout(std430, binding = 4) writeonly buffer BankValues { float16_t bankV[]; };

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
    uint target = everySlot ? i : slot * p.frameElements + element;
    bankK[target] = k[element];
    bankV[target] = v[element];
  }
}
