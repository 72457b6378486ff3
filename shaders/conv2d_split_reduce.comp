#version 450
// The second pass of a split-K convolution (conv2d_coopmat.comp or
// conv2d.comp with SPLITS > 1; output pixels a multiple of 4): adds the f32 partial sums of the splits, then the epilogue
// the one-pass kernel applies (+ bias per channel or per image and channel,
// + residual, the activation), and
// stores f16. Each invocation takes 4 consecutive outputs of one channel.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint SPLITS = 2;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint HAS_RESIDUAL = 0;
layout(constant_id = 3) const uint ACTIVATION = 0;
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer Partial { vec4 partial[]; };  // [N, SPLITS, Cout * pixels]
layout(std430, binding = 1) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 2) readonly buffer Residual { f16vec4 residual[]; };
layout(std430, binding = 3) writeonly buffer Output { f16vec4 y[]; };

layout(push_constant) uniform Params {
  uint outChannels, pixels;
  uint biasStride, biasOffset;
} p;

void main() {
  uint quads = p.outChannels * p.pixels / 4;  // per image
  uint quad = gl_GlobalInvocationID.x;
  if (quad >= quads) return;
  uint image = gl_WorkGroupID.y;
  vec4 sum = vec4(0.0);
  [[unroll]] for (uint s = 0; s < SPLITS; ++s) sum += partial[(image * SPLITS + s) * quads + quad];
  uint channel = quad * 4 / p.pixels;
  if (HAS_BIAS != 0) sum += float(bias[HAS_BIAS == 2 ? image * p.biasStride + p.biasOffset + channel : channel]);
  uint at = image * quads + quad;
  if (HAS_RESIDUAL != 0) sum += vec4(residual[at]);
  [[unroll]] for (uint i = 0; i < 4; ++i) sum[i] = applyActivation(ACTIVATION, sum[i]);
  y[at] = f16vec4(sum);
}
