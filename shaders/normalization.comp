#version 450
// Group norm and layer norm as one kernel: each workgroup normalises one
// contiguous segment of the input (a group's channels x H x W in NCHW, or
// one row for layer norm), then applies the per-channel affine transform and
// an optional activation. Statistics are f32 and two-pass (mean, then the
// mean of squared deviations), so a large mean does not cancel the variance.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

// The workgroup size is chosen per device (normalization.cpp): on CPU
// devices every barrier of the reduction is a pass over all invocations.
layout(local_size_x_id = 1) in;
layout(constant_id = 0) const uint ACTIVATION = 0;
layout(constant_id = 2) const uint CHANNELS_LAST = 0;  // see normalization_layout.glsl
layout(constant_id = 3) const uint CONCATENATED = 0;  // see normalization_input.glsl
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Gamma { float16_t gamma[]; };
layout(std430, binding = 2) readonly buffer Beta { float16_t beta[]; };
layout(std430, binding = 3) writeonly buffer Output { float16_t y[]; };
layout(std430, binding = 4) readonly buffer SecondInput { float16_t x2[]; };

layout(push_constant) uniform Params {
  uint segments;          // groups x batch, or rows
  uint segmentLength;     // elements normalised together
  uint spatial;           // consecutive elements sharing one channel (H*W; 1 for layer norm)
  uint channelsPerGroup;  // channels in a segment
  uint groupsPerSample;   // segments per sample (groups; 1 for layer norm)
  float eps;
  uint firstElements;     // CONCATENATED: elements per sample read from x (see normalization_input.glsl)
} p;
#include "normalization_layout.glsl"
#include "normalization_input.glsl"

#include "workgroup_sum.glsl"

void main() {
  uint segment = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (segment >= p.segments) return;  // uniform across the workgroup
  uint t = gl_LocalInvocationID.x;
  uint base = segment * p.segmentLength;

  float sum = 0.0;
  for (uint i = t; i < p.segmentLength; i += THREADS) sum += inputAt(base + i);
  float mean = workgroupSum(sum) / float(p.segmentLength);

  float squares = 0.0;
  for (uint i = t; i < p.segmentLength; i += THREADS) {
    float d = inputAt(base + i) - mean;
    squares += d * d;
  }
  float invStd = inversesqrt(workgroupSum(squares) / float(p.segmentLength) + p.eps);

  uint channelBase = (segment % p.groupsPerSample) * p.channelsPerGroup;
  for (uint i = t; i < p.segmentLength; i += THREADS) {
    uint channel = channelBase + i / p.spatial;
    float value = (inputAt(base + i) - mean) * invStd * float(gamma[channel]) + float(beta[channel]);
    y[normalizedIndex(segment, i)] = float16_t(applyActivation(ACTIVATION, value));
  }
}
