#version 450
// The colour anchor on the GPU: per channel of the latent just generated
// ([1, C, H, W], one workgroup per channel), its mean and standard
// deviation; the reference's replaced by them when control[1] says so (a
// fresh picture); then scale and offset that move the channel's statistics
// control[0] (0..1) of the way to the reference's, for the next frame's
// latent transform: x * scale + offset.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;
layout(std430, binding = 0) readonly buffer Latent { float16_t x[]; };
// Per channel c: state[c] the reference's mean, state[C + c] its deviation.
layout(std430, binding = 1) buffer State { float state[]; };
layout(std430, binding = 2) readonly buffer Control { float control[]; };  // amount, take the reference
layout(std430, binding = 3) writeonly buffer Scale { float16_t scale[]; };
layout(std430, binding = 4) writeonly buffer Offset { float16_t offset[]; };
layout(push_constant) uniform Params { uint channels, plane; } p;

#include "workgroup_sum.glsl"

void main() {
  uint c = gl_WorkGroupID.x, t = gl_LocalInvocationID.x, base = c * p.plane;
  float sum = 0.0;
  for (uint i = t; i < p.plane; i += THREADS) sum += float(x[base + i]);
  float mean = workgroupSum(sum) / float(p.plane);
  // Two passes: the squares about the mean, not the mean square less the
  // square mean, which cancels badly where the mean is large.
  float squares = 0.0;
  for (uint i = t; i < p.plane; i += THREADS) {
    float d = float(x[base + i]) - mean;
    squares += d * d;
  }
  float deviation = sqrt(workgroupSum(squares) / float(p.plane));
  if (t != 0) return;
  if (control[1] > 0.5) state[c] = mean, state[p.channels + c] = deviation;
  float k = clamp(control[0], 0.0, 1.0);
  float a = 1.0 + k * (state[p.channels + c] / max(deviation, 1e-6) - 1.0);
  scale[c] = float16_t(k == 0.0 ? 1.0 : a);
  offset[c] = float16_t(k == 0.0 ? 0.0 : mean * (1.0 - a) + k * (state[c] - mean));
}
