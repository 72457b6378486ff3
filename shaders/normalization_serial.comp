#version 450
// Group norm and layer norm with one invocation per segment (see
// normalization.comp for the layout): for CPU devices and short segments,
// where a workgroup reduction spends its time in barriers over mostly idle
// invocations. Same two-pass f32 statistics.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint ACTIVATION = 0;
layout(constant_id = 1) const uint CHANNELS_LAST = 0;  // see normalization_layout.glsl
layout(constant_id = 2) const uint CONCATENATED = 0;  // see normalization_input.glsl
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Gamma { float16_t gamma[]; };
layout(std430, binding = 2) readonly buffer Beta { float16_t beta[]; };
layout(std430, binding = 3) writeonly buffer Output { float16_t y[]; };
layout(std430, binding = 4) readonly buffer SecondInput { float16_t x2[]; };

layout(push_constant) uniform Params {
  uint segments;
  uint segmentLength;
  uint spatial;
  uint channelsPerGroup;
  uint groupsPerSample;
  float eps;
  uint firstElements;
} p;
#include "normalization_layout.glsl"
#include "normalization_input.glsl"

void main() {
  uint segment = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x + gl_GlobalInvocationID.x;
  if (segment >= p.segments) return;
  uint base = segment * p.segmentLength;

  float sum = 0.0;
  for (uint i = 0; i < p.segmentLength; ++i) sum += inputAt(base + i);
  float mean = sum / float(p.segmentLength);
  float squares = 0.0;
  for (uint i = 0; i < p.segmentLength; ++i) {
    float d = inputAt(base + i) - mean;
    squares += d * d;
  }
  float invStd = inversesqrt(squares / float(p.segmentLength) + p.eps);

  uint channelBase = (segment % p.groupsPerSample) * p.channelsPerGroup;
  for (uint i = 0; i < p.segmentLength; ++i) {
    uint channel = channelBase + i / p.spatial;
    float value = (inputAt(base + i) - mean) * invStd * float(gamma[channel]) + float(beta[channel]);
    y[normalizedIndex(segment, i)] = float16_t(applyActivation(ACTIVATION, value));
  }
}
