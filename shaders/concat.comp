#version 450
// Concatenation of a and b seen as [outer, rowA] and [outer, rowB] into
// [outer, rowA + rowB]: channels of NCHW (row = C * H * W) or the last
// dimension of [B, T, C] (row = C).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer A { float16_t a[]; };
layout(std430, binding = 1) readonly buffer B { float16_t b[]; };
layout(std430, binding = 2) writeonly buffer Y { float16_t y[]; };

layout(push_constant) uniform Params {
  uint count;  // output elements
  uint rowA, rowB;
} p;

void main() {
  uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  uint row = p.rowA + p.rowB;
  for (uint index = gl_GlobalInvocationID.x; index < p.count; index += step) {
    uint outer = index / row, r = index % row;
    y[index] = r < p.rowA ? a[outer * p.rowA + r] : b[outer * p.rowB + (r - p.rowA)];
  }
}
