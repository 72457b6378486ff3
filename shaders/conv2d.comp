#version 450
// 2-D convolution as an implicit GEMM: output pixels (M) x output channels
// (N), K = Cin * KSIZE * KSIZE, f16 storage, f32 accumulation. Each 16x16
// workgroup computes 64 pixels x 64 channels of one image through shared
// tiles of depth 16; the input tile is gathered (im2col) while loading, so no
// unfolded copy of the input exists. Each invocation holds a 4x4 register
// tile. Epilogue: + bias, + residual, then the activation.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;
layout(constant_id = 0) const uint KSIZE = 3;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint HAS_RESIDUAL = 0;
layout(constant_id = 3) const uint ACTIVATION = 0;
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Weight { float16_t w[]; };  // [Cout, Cin, KSIZE, KSIZE]
layout(std430, binding = 2) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 3) readonly buffer Residual { float16_t residual[]; };
layout(std430, binding = 4) writeonly buffer Output { float16_t y[]; };

layout(push_constant) uniform Params {
  uint inChannels, height, width;
  uint outChannels, outHeight, outWidth;
  uint stride, padding;
} p;

const uint TILE_P = 64;  // output pixels per workgroup
const uint TILE_C = 64;  // output channels per workgroup
const uint DEPTH = 16;   // K per shared tile
const uint THREADS = 256;
const uint TAPS = KSIZE * KSIZE;

shared float tileX[DEPTH][TILE_P];
shared float tileW[DEPTH][TILE_C + 1];

void main() {
  uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
  uint thread = ty * 16 + tx;
  uint pixel0 = gl_WorkGroupID.x * TILE_P, channel0 = gl_WorkGroupID.y * TILE_C;
  uint image = gl_WorkGroupID.z;
  uint pixels = p.outHeight * p.outWidth;
  uint planeIn = p.height * p.width;
  uint K = p.inChannels * TAPS;

  // The input pixel this invocation gathers stays the same for every K tile.
  uint loadPixel = pixel0 + thread % TILE_P;
  uint loadDepth = thread / TILE_P;  // 0..3, then +4 per step
  bool pixelValid = loadPixel < pixels;
  int originY = int((loadPixel / p.outWidth) * p.stride) - int(p.padding);
  int originX = int((loadPixel % p.outWidth) * p.stride) - int(p.padding);
  uint inputBase = image * p.inChannels * planeIn;

  float acc[4][4];
  for (uint i = 0; i < 4; ++i)
    for (uint j = 0; j < 4; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < K; k0 += DEPTH) {
    for (uint i = 0; i < TILE_P * DEPTH / THREADS; ++i) {
      uint kk = loadDepth + i * (THREADS / TILE_P);
      uint k = k0 + kk;
      uint channel = k / TAPS, tap = k - channel * TAPS;
      int iy = originY + int(tap / KSIZE), ix = originX + int(tap % KSIZE);
      float value = 0.0;
      if (pixelValid && k < K && iy >= 0 && ix >= 0 && iy < int(p.height) && ix < int(p.width))
        value = float(x[inputBase + channel * planeIn + uint(iy) * p.width + uint(ix)]);
      tileX[kk][thread % TILE_P] = value;
    }
    for (uint i = 0; i < TILE_C * DEPTH / THREADS; ++i) {
      uint index = thread + i * THREADS;
      uint kk = index % DEPTH, c = index / DEPTH;
      uint channel = channel0 + c, k = k0 + kk;
      tileW[kk][c] = (channel < p.outChannels && k < K) ? float(w[channel * K + k]) : 0.0;
    }
    barrier();
    for (uint kk = 0; kk < DEPTH; ++kk) {
      float xv[4], wv[4];
      for (uint j = 0; j < 4; ++j) xv[j] = tileX[kk][tx + 16 * j];
      for (uint i = 0; i < 4; ++i) wv[i] = tileW[kk][ty + 16 * i];
      for (uint i = 0; i < 4; ++i)
        for (uint j = 0; j < 4; ++j) acc[i][j] += wv[i] * xv[j];
    }
    barrier();
  }

  for (uint i = 0; i < 4; ++i) {
    uint channel = channel0 + ty + 16 * i;
    if (channel >= p.outChannels) continue;
    uint outBase = (image * p.outChannels + channel) * pixels;
    for (uint j = 0; j < 4; ++j) {
      uint pixel = pixel0 + tx + 16 * j;
      if (pixel >= pixels) continue;
      float value = acc[i][j];
      if (HAS_BIAS != 0) value += float(bias[channel]);
      if (HAS_RESIDUAL != 0) value += float(residual[outBase + pixel]);
      y[outBase + pixel] = float16_t(applyActivation(ACTIVATION, value));
    }
  }
}
