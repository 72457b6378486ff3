#version 450
// GEGLU: y[r, i] = x[r, i] * GELU(x[r, F + i]) for x [rows, 2F].
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require
#include "activation.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;
layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) writeonly buffer Output { float16_t y[]; };
layout(push_constant) uniform Params { uint rows, features; } p;

void main() {
  uint i = gl_GlobalInvocationID.x, row = gl_WorkGroupID.y;
  if (i >= p.features) return;
  uint base = row * 2 * p.features;
  float value = float(x[base + i]);
  float gate = float(x[base + p.features + i]);
  y[row * p.features + i] = float16_t(value * applyActivation(3u, gate));
}
