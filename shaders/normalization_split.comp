#version 450
// Group norm and layer norm for segments too long, and too few, for one
// workgroup each (a GroupNorm of 32 groups over 64x64x960 is 32 workgroups
// of 122,880 elements on a GPU with 132 multiprocessors): each segment is cut
// into chunks, one workgroup a chunk, in two dispatches of this shader.
//   PASS 0: the chunk's mean and sum of squared deviations (two passes over
//           the chunk, which stays in cache), to the f32 partials buffer.
//   PASS 1: every workgroup merges its segment's partials (Chan et al.'s
//           pairwise update, exact for any mean: no large-mean cancellation),
//           then normalises its chunk with the affine transform and activation.
// The same contract and results as normalization.comp.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint ACTIVATION = 0;
layout(constant_id = 2) const uint CHANNELS_LAST = 0;  // see normalization_layout.glsl
layout(constant_id = 1) const uint PASS = 0;
layout(constant_id = 3) const uint CONCATENATED = 0;  // see normalization_input.glsl
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Gamma { float16_t gamma[]; };
layout(std430, binding = 2) readonly buffer Beta { float16_t beta[]; };
layout(std430, binding = 3) writeonly buffer Output { float16_t y[]; };
layout(std430, binding = 4) buffer Partials { vec2 partials[]; };  // [segments, chunks]: (mean, M2)
layout(std430, binding = 5) readonly buffer SecondInput { float16_t x2[]; };

layout(push_constant) uniform Params {
  uint segments;          // groups x batch, or rows
  uint segmentLength;     // elements normalised together
  uint spatial;           // consecutive elements sharing one channel (H*W; 1 for layer norm)
  uint channelsPerGroup;  // channels in a segment
  uint groupsPerSample;   // segments per sample (groups; 1 for layer norm)
  float eps;
  uint firstElements;     // CONCATENATED: elements per sample read from x (see normalization_input.glsl)
  uint chunks;            // workgroups per segment
  uint chunkLength;       // elements per chunk (the last may be shorter)
} p;
#include "normalization_layout.glsl"
#include "normalization_input.glsl"

#include "workgroup_sum.glsl"

uint chunkSize(uint chunk) { return min(p.segmentLength, (chunk + 1) * p.chunkLength) - chunk * p.chunkLength; }

void main() {
  uint chunk = gl_WorkGroupID.x, segment = gl_WorkGroupID.y;
  uint t = gl_LocalInvocationID.x;
  uint begin = segment * p.segmentLength + chunk * p.chunkLength;
  uint count = chunkSize(chunk);

  if (PASS == 0) {
    float sum = 0.0;
    for (uint i = t; i < count; i += THREADS) sum += inputAt(begin + i);
    float mean = workgroupSum(sum) / float(count);
    float squares = 0.0;
    for (uint i = t; i < count; i += THREADS) {
      float d = inputAt(begin + i) - mean;
      squares += d * d;
    }
    float m2 = workgroupSum(squares);
    if (t == 0) partials[segment * p.chunks + chunk] = vec2(mean, m2);
    return;
  }

  // Every invocation merges the same few partials: cheaper than sharing them.
  float n = 0.0, mean = 0.0, m2 = 0.0;
  for (uint c = 0; c < p.chunks; ++c) {
    vec2 part = partials[segment * p.chunks + c];
    float nb = float(chunkSize(c));
    float total = n + nb;
    float delta = part.x - mean;
    mean += delta * (nb / total);
    m2 += part.y + delta * delta * (n * nb / total);
    n = total;
  }
  float invStd = inversesqrt(m2 / n + p.eps);
  uint channelBase = (segment % p.groupsPerSample) * p.channelsPerGroup;
  uint offset = chunk * p.chunkLength;
  for (uint i = t; i < count; i += THREADS) {
    uint channel = channelBase + (offset + i) / p.spatial;
    float value = (inputAt(begin + i) - mean) * invStd * float(gamma[channel]) + float(beta[channel]);
    y[normalizedIndex(segment, offset + i)] = float16_t(applyActivation(ACTIVATION, value));
  }
}
