#version 450
// y = activation(a OP b) with b broadcast NumPy-style (its strides are 0
// along broadcast dimensions), or y = activation(a * scale + offset).
// OP: 0 add, 1 multiply, 2 scale (b unused). Each invocation strides over
// the tensor so any size fits in one dispatch.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint OP = 0;
layout(constant_id = 1) const uint BROADCAST = 0;  // 0: b has a's shape
layout(constant_id = 2) const uint ACTIVATION = 0;
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer A { float16_t a[]; };
layout(std430, binding = 1) readonly buffer B { float16_t b[]; };
layout(std430, binding = 2) writeonly buffer Y { float16_t y[]; };

layout(push_constant) uniform Params {
  uint count;
  uint dims[4];      // output shape, padded with leading 1s
  uint bStrides[4];  // element strides of b in the output's dimensions
  float scale, offset;
} p;

uint broadcastIndex(uint index) {
  uint i3 = index % p.dims[3];
  index /= p.dims[3];
  uint i2 = index % p.dims[2];
  index /= p.dims[2];
  uint i1 = index % p.dims[1];
  uint i0 = index / p.dims[1];
  return i0 * p.bStrides[0] + i1 * p.bStrides[1] + i2 * p.bStrides[2] + i3 * p.bStrides[3];
}

void main() {
  uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint index = gl_GlobalInvocationID.x; index < p.count; index += step) {
    float value = float(a[index]);
    if (OP == 2) {
      value = value * p.scale + p.offset;
    } else {
      float other = float(b[BROADCAST != 0 ? broadcastIndex(index) : index]);
      value = OP == 0 ? value + other : value * other;
    }
    y[index] = float16_t(applyActivation(ACTIVATION, value));
  }
}
