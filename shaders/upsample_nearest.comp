#version 450
// Nearest-neighbour upsampling by 2 of NCHW images: y[.., oy, ox] = x[.., oy/2, ox/2].
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer X { float16_t x[]; };
layout(std430, binding = 1) writeonly buffer Y { float16_t y[]; };

layout(push_constant) uniform Params {
  uint count;  // output elements
  uint width;  // input width
  uint height; // input height
} p;

void main() {
  uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  uint outWidth = 2 * p.width, outPlane = 4 * p.width * p.height;
  for (uint index = gl_GlobalInvocationID.x; index < p.count; index += step) {
    uint plane = index / outPlane, rest = index % outPlane;
    uint oy = rest / outWidth, ox = rest % outWidth;
    y[index] = x[(plane * p.height + oy / 2) * p.width + ox / 2];
  }
}
