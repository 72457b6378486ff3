#version 450
// 2-D convolution on tensor cores: an implicit GEMM, C[Cout, pixels] =
// W[Cout, Cin*k*k] * im2col(x)[Cin*k*k, pixels], for one image per
// workgroup layer z. The same contract as conv2d.comp (NCHW, f16 storage,
// f32 accumulation, + bias per channel or per image and channel, + residual,
// then the activation) for layers whose
// Cin*k*k and output width are multiples of 8. UPSAMPLE as in conv2d.comp. The im2col tile is gathered
// from the input while the previous tile is multiplied; it is never stored.
// With SPLITS > 1 (layers too small to fill the GPU: 1280 channels at 8x8)
// workgroup layer z is (image, split of K), and each writes its partial sums
// in f32; the last split of a tile to finish adds them and applies the
// epilogue (split_arrival.glsl).
// CONCATENATED as in conv2d.comp: the input is [x, x2] along channels.
// SHORTCUT as in conv2d.comp: a 1x1 convolution of xs (or [xs, xs2]) added
// as K beyond Cin*k*k (its channels a multiple of 8).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint KSIZE = 3;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint HAS_RESIDUAL = 0;
layout(constant_id = 3) const uint ACTIVATION = 0;
layout(constant_id = 4) const uint STRIDE = 1;
layout(constant_id = 5) const uint UPSAMPLE = 0;  // 1: the input nearest-upsampled x2 first, read in place
layout(constant_id = 6) const uint CONCATENATED = 0;
layout(constant_id = 7) const uint SHORTCUT = 0;  // 1: a 1x1 shortcut convolution added; 2: with its bias
#define B_COLUMN_MAJOR 0
#include "gemm_coopmat.glsl"
#include "activation.glsl"
#include "concatenated_plane.glsl"

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Weight { uvec4 w[]; };  // [Cout, Cin * KSIZE * KSIZE]
layout(std430, binding = 2) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 3) readonly buffer Residual { uvec4 residual[]; };
layout(std430, binding = 4) writeonly buffer Output { uvec4 y[]; };
layout(std430, binding = 5) coherent buffer Partial { vec4 partial[]; };  // [N, SPLITS, Cout, pixels] f32
layout(std430, binding = 6) readonly buffer SecondInput { float16_t x2[]; };  // CONCATENATED
layout(std430, binding = 7) coherent buffer Arrivals { uint arrivals[]; };  // SPLITS > 1: [N, tile rows, tile columns]
layout(std430, binding = 8) readonly buffer ShortcutInput { float16_t xs[]; };    // SHORTCUT: [N, Cs', Hout, Wout]
layout(std430, binding = 9) readonly buffer ShortcutSecond { float16_t xs2[]; };  // its concatenated rest
layout(std430, binding = 10) readonly buffer ShortcutWeight { uvec4 ws[]; };      // [Cout, Cs]
layout(std430, binding = 11) readonly buffer ShortcutBias { float16_t bs[]; };    // [Cout]

layout(push_constant) uniform Params {
  uint inChannels, height, width;
  uint outChannels, outHeight, outWidth;
  uint padding;
  uint biasStride, biasOffset;
  uint firstChannels;  // CONCATENATED: input channels read from x
  uint shortcutChannels, shortcutFirstChannels;  // SHORTCUT: Cs, and how many of them xs holds
} p;

const uint TAPS = KSIZE * KSIZE;

uint depth() { return p.inChannels * TAPS + (SHORTCUT != 0 ? p.shortcutChannels : 0); }

uvec4 loadA(uint channel, uint k) {
  uint K = p.inChannels * TAPS;
  if (channel >= p.outChannels || k >= depth()) return uvec4(0);
  if (k >= K) return ws[(channel * p.shortcutChannels + k - K) / 8];
  return w[(channel * K + k) / 8];
}

// Eight consecutive output pixels (one row's) of shortcut input channel sc.
uvec4 loadShortcut(uint sc, uint pixel) {
  uint pixels = p.outHeight * p.outWidth, image = gl_WorkGroupID.z / SPLITS, first = p.shortcutFirstChannels;
  bool second = sc >= first;
  uint at = concatenatedPlane(image, sc, first, p.shortcutChannels) * pixels + pixel;
  float16_t v[8];
  [[unroll]] for (uint j = 0; j < 8; ++j) v[j] = second ? xs2[at + j] : xs[at + j];
  return uvec4(packFloat2x16(f16vec2(v[0], v[1])), packFloat2x16(f16vec2(v[2], v[3])),
               packFloat2x16(f16vec2(v[4], v[5])), packFloat2x16(f16vec2(v[6], v[7])));
}

// Eight consecutive output pixels of one row (the output width is a multiple
// of 8) read input channel k / TAPS at tap k % TAPS.
uvec4 loadB(uint k, uint pixel) {
  uint pixels = p.outHeight * p.outWidth;
  if (k >= depth() || pixel >= pixels) return uvec4(0);
  if (k >= p.inChannels * TAPS) return loadShortcut(k - p.inChannels * TAPS, pixel);
  uint channel = k / TAPS, tap = k % TAPS;
  uint oy = pixel / p.outWidth, ox = pixel % p.outWidth;
  int iy = int(oy * STRIDE + tap / KSIZE) - int(p.padding);
  if (iy < 0 || iy >= int(p.height << UPSAMPLE)) return uvec4(0);
  int ix0 = int(ox * STRIDE + tap % KSIZE) - int(p.padding);
  uint image = gl_WorkGroupID.z / SPLITS;
  uint firstChannels = CONCATENATED != 0 ? p.firstChannels : p.inChannels;
  bool second = channel >= firstChannels;
  uint plane = concatenatedPlane(image, channel, firstChannels, p.inChannels);
  uint row = plane * p.height * p.width + (uint(iy) >> UPSAMPLE) * p.width;
  float16_t v[8];
  [[unroll]] for (uint j = 0; j < 8; ++j) {
    int ix = ix0 + int(j * STRIDE);
    uint at = row + (uint(ix) >> UPSAMPLE);
    bool valid = ix >= 0 && ix < int(p.width << UPSAMPLE);
    v[j] = !valid ? float16_t(0.0) : CONCATENATED != 0 && second ? x2[at] : x[at];
  }
  return uvec4(packFloat2x16(f16vec2(v[0], v[1])), packFloat2x16(f16vec2(v[2], v[3])),
               packFloat2x16(f16vec2(v[4], v[5])), packFloat2x16(f16vec2(v[6], v[7])));
}

#include "split_arrival.glsl"

// The epilogue for 8 outputs of one channel: + bias, + residual, the activation, stored f16.
void storeResult(uint image, uint channel, uint pixel, vec4 low, vec4 high) {
  uint at = ((image * p.outChannels + channel) * p.outHeight * p.outWidth + pixel) / 8;
  if (HAS_BIAS != 0) {
    float b = float(bias[HAS_BIAS == 2 ? image * p.biasStride + p.biasOffset + channel : channel]);
    low += b;
    high += b;
  }
  if (SHORTCUT == 2) {
    low += float(bs[channel]);
    high += float(bs[channel]);
  }
  if (HAS_RESIDUAL != 0) {
    vec4 rLow, rHigh;
    unpackHalves(residual[at], rLow, rHigh);
    low += rLow;
    high += rHigh;
  }
  [[unroll]] for (uint j = 0; j < 4; ++j) {
    low[j] = applyActivation(ACTIVATION, low[j]);
    high[j] = applyActivation(ACTIVATION, high[j]);
  }
  y[at] = packHalves(low, high);
}

void writeOutput(uint channel, uint pixel, vec4 low, vec4 high) {
  uint pixels = p.outHeight * p.outWidth;
  if (channel >= p.outChannels || pixel >= pixels) return;
  if (SPLITS == 1) {
    storeResult(gl_WorkGroupID.z, channel, pixel, low, high);
    return;
  }
  uint at = ((gl_WorkGroupID.z * p.outChannels + channel) * pixels + pixel) / 4;
  partial[at] = low;
  partial[at + 1] = high;
}

void main() {
  uvec2 range = splitRange(depth(), gl_WorkGroupID.z % SPLITS);
  uint rowStart = gl_WorkGroupID.y * BM, colStart = gl_WorkGroupID.x * BN;
  gemmTile(rowStart, colStart, range.x, range.y);
  if (SPLITS == 1) return;
  uint image = gl_WorkGroupID.z / SPLITS;
  if (!lastSplitToArrive((image * gl_NumWorkGroups.y + gl_WorkGroupID.y) * gl_NumWorkGroups.x + gl_WorkGroupID.x)) return;
  uint pixels = p.outHeight * p.outWidth;
  for (uint item = gl_LocalInvocationID.x; item < BM * BN / 8; item += THREADS) {
    uint channel = rowStart + item / (BN / 8), pixel = colStart + item % (BN / 8) * 8;
    if (channel >= p.outChannels || pixel >= pixels) continue;
    vec4 low = vec4(0.0), high = vec4(0.0);
    for (uint s = 0; s < SPLITS; ++s) {
      uint at = (((image * SPLITS + s) * p.outChannels + channel) * pixels + pixel) / 4;
      low += partial[at];
      high += partial[at + 1];
    }
    storeResult(image, channel, pixel, low, high);
  }
}
