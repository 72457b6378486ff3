#version 450
// 2-D convolution, NCHW, f16 storage, f32 accumulation: an implicit GEMM of
// output pixels x output channels over K = Cin * KSIZE * KSIZE, computed in
// registers. Each invocation owns a tile of TILE_PIXELS consecutive output
// pixels of one row times TILE_CHANNELS output channels (the workgroup's
// channel block). Per input channel and kernel row it reads the input span
// its pixels need once and reuses it for every tap and channel; weights are
// shared across the subgroup: each of LANES lanes loads the weight of one
// channel and subgroupShuffle hands it to all. On lavapipe every load of
// shared or storage memory is a scalar per-lane loop (and subgroupBroadcast
// a loop too) while a shuffle is one vector permute, so this sharing rather than a
// shared-memory tile is what makes it fast there (7-10x the shared-memory
// GEMM tile it replaced, on 3x3 layers); LANES = 1 reads each weight in every lane
// (same-address loads, cheap on GPUs).
// With UPSAMPLE the convolution sees the input at twice its height and width
// (nearest), reading each value where the larger picture would have it.
// Epilogue: + bias, + residual, then the activation. HAS_BIAS 1: bias[Cout];
// 2: a bias per image and channel, bias[image * biasStride + biasOffset + channel]
// (a UNet ResNet's time-embedding projection, all ResNets' in one table).
// With SPLITS > 1 the input channels are split SPLITS ways (gl_WorkGroupID.z
// = image * SPLITS + split): a layer of few pixels and many channels (a
// UNet's lowest resolution) would otherwise be one or two workgroups, one
// core of a CPU or one multiprocessor of a GPU. Each split stores its f32
// partial sums; the last split of an invocation's tile to finish adds them
// and applies the epilogue (split_arrival.glsl).
// With CONCATENATED the input is [x, x2] along channels, read in place (the
// first p.firstChannels channels from x): a UNet up block's [h, skip].
// With SHORTCUT the output also gets a 1x1 convolution of another input of
// the output's size (xs, or [xs, xs2] along channels), as more input channels
// of the same sum: a ResNet's conv2 and its projection shortcut in one pass
// (SHORTCUT 2: with the shortcut's bias).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint KSIZE = 3;
layout(constant_id = 1) const uint HAS_BIAS = 0;
layout(constant_id = 2) const uint HAS_RESIDUAL = 0;
layout(constant_id = 3) const uint ACTIVATION = 0;
layout(constant_id = 4) const uint STRIDE = 1;
layout(constant_id = 5) const uint TILE_CHANNELS = 16;  // a multiple of LANES
layout(constant_id = 6) const uint TILE_PIXELS = 8;
layout(constant_id = 7) const uint LANES = 8;  // <= the subgroup size
layout(constant_id = 8) const uint UPSAMPLE = 0;  // 1: the input nearest-upsampled x2 first, read in place
layout(constant_id = 9) const uint SPLITS = 1;
layout(constant_id = 10) const uint CONCATENATED = 0;
layout(constant_id = 11) const uint SHORTCUT = 0;
#include "activation.glsl"

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Weight { float16_t w[]; };  // [Cout, Cin, KSIZE, KSIZE]
layout(std430, binding = 2) readonly buffer Bias { float16_t bias[]; };
layout(std430, binding = 3) readonly buffer Residual { float16_t residual[]; };
layout(std430, binding = 4) writeonly buffer Output { float16_t y[]; };
layout(std430, binding = 5) coherent buffer Partial { float partial[]; };  // SPLITS > 1: [N, SPLITS, Cout, pixels]
layout(std430, binding = 6) readonly buffer SecondInput { float16_t x2[]; };  // CONCATENATED
layout(std430, binding = 7) coherent buffer Arrivals { uint arrivals[]; };  // SPLITS > 1: [N, invocations]
layout(std430, binding = 8) readonly buffer ShortcutInput { float16_t xs[]; };    // SHORTCUT: [N, Cs', Hout, Wout]
layout(std430, binding = 9) readonly buffer ShortcutSecond { float16_t xs2[]; };  // its concatenated rest
layout(std430, binding = 10) readonly buffer ShortcutWeight { float16_t ws[]; };  // [Cout, Cs]
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
const uint SPAN = (TILE_PIXELS - 1) * STRIDE + KSIZE;  // input columns one kernel row of the tile reads
const uint GROUPS = TILE_CHANNELS / LANES;

#include "split_arrival.glsl"
#include "concatenated_plane.glsl"

// The epilogue: + bias, + residual, the activation, stored f16.
void storeResult(uint image, uint channel, uint at, float value) {
  if (HAS_BIAS != 0) value += float(bias[HAS_BIAS == 2 ? image * p.biasStride + p.biasOffset + channel : channel]);
  if (SHORTCUT == 2) value += float(bs[channel]);
  if (HAS_RESIDUAL != 0) value += float(residual[at]);
  y[at] = float16_t(applyActivation(ACTIVATION, value));
}

void main() {
  // Invocations run over (channel tile, pixel tile) pairs, pixel tiles fastest, so a small layer
  // still fills whole workgroups. The pixel tiles are padded to a multiple of LANES, so the lanes
  // of a subgroup share one channel tile (and its weight loads).
  uint tilesPerRow = (p.outWidth + TILE_PIXELS - 1) / TILE_PIXELS;
  uint tiles = tilesPerRow * p.outHeight;
  uint paddedTiles = (tiles + LANES - 1) / LANES * LANES;
  uint channelTile = gl_GlobalInvocationID.x / paddedTiles;
  uint tile = gl_GlobalInvocationID.x % paddedTiles;
  uint channel0 = channelTile * TILE_CHANNELS;
  bool inside = tile < tiles && channel0 < p.outChannels;  // no early return: the subgroup must stay whole
  uint oy = tile / tilesPerRow, ox0 = (tile % tilesPerRow) * TILE_PIXELS;
  uint image = gl_WorkGroupID.z / SPLITS, split = gl_WorkGroupID.z % SPLITS;
  // Splits share out the input channels and then the shortcut's.
  uint channelsInAll = p.inChannels + (SHORTCUT != 0 ? p.shortcutChannels : 0);
  uint perSplit = (channelsInAll + SPLITS - 1) / SPLITS;
  uint splitBegin = min(split * perSplit, channelsInAll), splitEnd = min(splitBegin + perSplit, channelsInAll);
  uint ciBegin = min(splitBegin, p.inChannels), ciEnd = min(splitEnd, p.inChannels);
  uint planeIn = p.height * p.width;  // as stored
  int seenHeight = int(p.height << UPSAMPLE), seenWidth = int(p.width << UPSAMPLE);
  uint K = p.inChannels * TAPS;
  int iy0 = int(oy * STRIDE) - int(p.padding);
  int ix0 = int(ox0 * STRIDE) - int(p.padding);
  uint firstChannels = CONCATENATED != 0 ? p.firstChannels : p.inChannels;

  // The weights this lane loads for the subgroup: channel channel0 + g * LANES + lane.
  uint lane = gl_SubgroupInvocationID % LANES;
  // The first lane of this lane's group: a subgroup wider than the pixel
  // tiles of one channel tile (32 lanes on NVIDIA) holds several groups.
  uint groupLane = gl_SubgroupInvocationID - lane;
  uint weightRow[GROUPS];
  bool weightValid[GROUPS];
  [[unroll]] for (uint g = 0; g < GROUPS; ++g) {
    uint channel = channel0 + g * LANES + lane;
    weightValid[g] = channel < p.outChannels;
    weightRow[g] = channel * K;
  }

  float acc[TILE_CHANNELS][TILE_PIXELS];
  [[unroll]] for (uint c = 0; c < TILE_CHANNELS; ++c)
    [[unroll]] for (uint j = 0; j < TILE_PIXELS; ++j) acc[c][j] = 0.0;

  for (uint ci = ciBegin; ci < ciEnd; ++ci) {
    // Uniform across the subgroup: every lane reads the same input channel.
    bool second = ci >= firstChannels;
    uint channelBase = concatenatedPlane(image, ci, firstChannels, p.inChannels) * planeIn;
    // Unrolled loops inside keep the accumulators in registers (indices become constants);
    // unrolling this one too would triple the code and the driver's compile time.
    [[dont_unroll]] for (uint ky = 0; ky < KSIZE; ++ky) {
      int iy = iy0 + int(ky);
      bool rowValid = inside && iy >= 0 && iy < seenHeight;
      uint rowBase = channelBase + (uint(max(iy, 0)) >> UPSAMPLE) * p.width;
      float span[SPAN];
      [[unroll]] for (uint s = 0; s < SPAN; ++s) {
        int ix = ix0 + int(s);
        uint at = rowBase + (uint(ix) >> UPSAMPLE);
        bool valid = rowValid && ix >= 0 && ix < seenWidth;
        span[s] = !valid ? 0.0 : CONCATENATED != 0 && second ? float(x2[at]) : float(x[at]);
      }
      // Loops that index an array of their trip count by their counter are
      // always unrolled by the driver (Mesa's NIR); `mine` makes these so.
      float mine[KSIZE][GROUPS];
      uint k = ci * TAPS + ky * KSIZE;
      for (uint kx = 0; kx < KSIZE; ++kx)
        for (uint g = 0; g < GROUPS; ++g) mine[kx][g] = weightValid[g] ? float(w[weightRow[g] + k + kx]) : 0.0;
      [[unroll]] for (uint kx = 0; kx < KSIZE; ++kx) {
        [[unroll]] for (uint g = 0; g < GROUPS; ++g) {
          [[unroll]] for (uint i = 0; i < LANES; ++i) {
            float weight = LANES == 1 ? mine[kx][g] : subgroupShuffle(mine[kx][g], groupLane + i);
            [[unroll]] for (uint j = 0; j < TILE_PIXELS; ++j) acc[g * LANES + i][j] += weight * span[j * STRIDE + kx];
          }
        }
      }
    }
  }

  uint pixels = p.outHeight * p.outWidth;
  if (SHORTCUT != 0) {
    uint first = p.shortcutFirstChannels, scEnd = max(splitEnd, p.inChannels) - p.inChannels;
    for (uint sc = max(splitBegin, p.inChannels) - p.inChannels; sc < scEnd; ++sc) {
      bool second = sc >= first;
      uint at = concatenatedPlane(image, sc, first, p.shortcutChannels) * pixels + oy * p.outWidth + ox0;
      float values[TILE_PIXELS];
      [[unroll]] for (uint j = 0; j < TILE_PIXELS; ++j) {
        bool valid = inside && ox0 + j < p.outWidth;
        values[j] = !valid ? 0.0 : second ? float(xs2[at + j]) : float(xs[at + j]);
      }
      float mine[GROUPS];
      for (uint g = 0; g < GROUPS; ++g)
        mine[g] = weightValid[g] ? float(ws[(channel0 + g * LANES + lane) * p.shortcutChannels + sc]) : 0.0;
      [[unroll]] for (uint g = 0; g < GROUPS; ++g) {
        [[unroll]] for (uint i = 0; i < LANES; ++i) {
          float weight = LANES == 1 ? mine[g] : subgroupShuffle(mine[g], groupLane + i);
          [[unroll]] for (uint j = 0; j < TILE_PIXELS; ++j) acc[g * LANES + i][j] += weight * values[j];
        }
      }
    }
  }

  if (!inside) return;
  // Constant trip counts with breaks: acc stays in registers (see `mine` above).
  for (uint c = 0; c < TILE_CHANNELS; ++c) {
    uint channel = channel0 + c;
    if (channel >= p.outChannels) break;
    uint rowBase = (image * p.outChannels + channel) * pixels + oy * p.outWidth;
    uint partialBase = ((image * SPLITS + split) * p.outChannels + channel) * pixels + oy * p.outWidth;
    for (uint j = 0; j < TILE_PIXELS; ++j) {
      uint ox = ox0 + j;
      if (ox >= p.outWidth) break;
      if (SPLITS > 1)
        partial[partialBase + ox] = acc[c][j];
      else
        storeResult(image, channel, rowBase + ox, acc[c][j]);
    }
  }
  if (SPLITS == 1) return;
  if (!lastSplitToArriveHere(image * gl_NumWorkGroups.x * gl_WorkGroupSize.x + gl_GlobalInvocationID.x)) return;
  for (uint c = 0; c < TILE_CHANNELS; ++c) {
    uint channel = channel0 + c;
    if (channel >= p.outChannels) break;
    uint at = (image * p.outChannels + channel) * pixels + oy * p.outWidth + ox0;
    uint stride = p.outChannels * pixels;  // from one split's sums to the next
    uint first = ((image * SPLITS) * p.outChannels + channel) * pixels + oy * p.outWidth + ox0;
    for (uint j = 0; j < TILE_PIXELS; ++j) {
      if (ox0 + j >= p.outWidth) break;
      float sum = 0.0;
      [[unroll]] for (uint s = 0; s < SPLITS; ++s) sum += partial[first + s * stride + j];
      storeResult(image, channel, at + j, sum);
    }
  }
}
