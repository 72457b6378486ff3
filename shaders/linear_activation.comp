#version 450
// In-place activation over a linear layer's f16 output. recordMatmul has no
// activation epilogue yet, so linear() applies it in this extra pass.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint ACTIVATION = 0;
#include "activation.glsl"

layout(std430, binding = 0) buffer Values { float16_t values[]; };

layout(push_constant) uniform Params { uint count; } p;

void main() {
  uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 256 + gl_LocalInvocationID.x;
  if (index < p.count) values[index] = float16_t(applyActivation(ACTIVATION, float(values[index])));
}
