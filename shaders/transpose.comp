#version 450
// [B, rows, cols] -> [B, cols, rows] through a padded shared-memory tile so
// both the reads and the writes are coalesced.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 32, local_size_y = 8, local_size_z = 1) in;
layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) writeonly buffer Output { float16_t y[]; };
layout(push_constant) uniform Params { uint rows, cols; } p;

shared float16_t tile[32][33];

void main() {
  uint batchOffset = gl_WorkGroupID.z * p.rows * p.cols;
  uint col0 = gl_WorkGroupID.x * 32, row0 = gl_WorkGroupID.y * 32;
  uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
  for (uint r = ty; r < 32; r += 8) {
    uint row = row0 + r, col = col0 + tx;
    if (row < p.rows && col < p.cols) tile[r][tx] = x[batchOffset + row * p.cols + col];
  }
  barrier();
  for (uint c = ty; c < 32; c += 8) {
    uint col = col0 + c, row = row0 + tx;
    if (row < p.rows && col < p.cols) y[batchOffset + col * p.rows + row] = tile[tx][c];
  }
}
