#version 450
// out = c[first] * x0 (+ c[first + 1] * x1 (+ c[first + 2] * x2)), f32
// arithmetic, coefficients read from a buffer the host rewrites per frame.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint INPUTS = 1;

layout(std430, binding = 0) readonly buffer X0 { float16_t x0[]; };
layout(std430, binding = 1) readonly buffer X1 { float16_t x1[]; };
layout(std430, binding = 2) readonly buffer X2 { float16_t x2[]; };
layout(std430, binding = 3) readonly buffer Coefficients { float c[]; };
layout(std430, binding = 4) buffer Output { float16_t y[]; };  // may alias an input

layout(push_constant) uniform Params { uint count, first; } p;

void main() {
  float a = c[p.first];
  float b = INPUTS > 1 ? c[p.first + 1] : 0.0;
  float d = INPUTS > 2 ? c[p.first + 2] : 0.0;
  uint stride = gl_NumWorkGroups.x * 256;
  for (uint i = gl_GlobalInvocationID.x; i < p.count; i += stride) {
    float value = a * float(x0[i]);
    if (INPUTS > 1) value += b * float(x1[i]);
    if (INPUTS > 2) value += d * float(x2[i]);
    y[i] = float16_t(value);
  }
}
