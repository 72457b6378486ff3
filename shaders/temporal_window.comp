#version 450
// window[i] = history[i] for the kept frames, the newest frame last; on a
// reset frame (flag nonzero) every slot is the newest frame.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer History { float16_t history[]; };
layout(std430, binding = 1) readonly buffer Newest { float16_t newest[]; };
layout(std430, binding = 2) readonly buffer Reset { float reset; };
layout(std430, binding = 3) writeonly buffer Window { float16_t window[]; };

layout(push_constant) uniform Params {
  uint frameElements;  // elements of one frame
  uint historyFrames;  // W - 1
} p;

void main() {
  bool restart = reset != 0.0;
  uint count = p.frameElements * (p.historyFrames + 1);
  uint stride = gl_NumWorkGroups.x * 256;
  for (uint i = gl_GlobalInvocationID.x; i < count; i += stride) {
    bool fromNewest = restart || i >= p.frameElements * p.historyFrames;
    window[i] = fromNewest ? newest[i % p.frameElements] : history[i];
  }
}
