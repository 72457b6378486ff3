// The tensor-core GEMM core shared by the cooperative-matrix kernels
// (matmul_coopmat.comp, conv2d_coopmat.comp): C[BM x BN tile] = A * B over K
// with f16 operands and f32 accumulation on 16x16x16 subgroup matrices
// (VK_NV_cooperative_matrix, or its emulation: coopmat.glsl). The workgroup stages BK-deep tiles of A and B
// in shared memory as 16-byte words (8 halves), each subgroup multiplies a
// WM x WN block of the tile, and the next tiles are fetched into registers
// while the current ones are multiplied.
//
// The including shader defines B_COLUMN_MAJOR (a constant: 1 when B is held
// [N, K], a PyTorch Linear weight) before including this file, and after it:
//   uvec4 loadA(uint row, uint k)       8 halves A[row, k..k+7], zeros outside
//   uvec4 loadB(uint i, uint j)         row-major B: 8 halves B[i=k, j..j+7];
//                                       column-major B: 8 halves B[j..j+7, i=n]
//   void writeOutput(uint row, uint col, vec4 low, vec4 high)   C[row, col..col+7]
// and calls gemmTile(rowStart, colStart, kBegin, kEnd). With SPLITS > 1 the
// workgroups along z also split K (splitRange), and writeOutput receives
// partial sums for the including shader to store and add up (split_arrival.glsl).
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_control_flow_attributes : require

// Tile shape (specialization constants 16..21, set by engine/nn/coopmat_tiles.cpp).
layout(local_size_x_id = 20) in;
layout(constant_id = 16) const uint BM = 128;  // rows of C per workgroup
layout(constant_id = 17) const uint BN = 128;  // columns of C per workgroup
layout(constant_id = 18) const uint WM = 64;   // rows per subgroup, a multiple of 16
layout(constant_id = 19) const uint WN = 32;   // columns per subgroup, a multiple of 16
layout(constant_id = 20) const uint THREADS = 256;  // (BM / WM) * (BN / WN) subgroups of 32
layout(constant_id = 21) const uint BK = 32;   // depth of a shared-memory tile, a multiple of 16
layout(constant_id = 22) const uint SPLITS = 1;  // workgroups sharing one C tile, each a range of K
layout(constant_id = 23) const uint STAGES = 1;  // shared tiles: 2 = the next is stored while this one is used

#define COOPMAT_THREADS THREADS
#include "coopmat.glsl"

const uint TM = WM / 16, TN = WN / 16;
// Row strides of the shared tiles in 16-byte words, padded by one word so
// that the eight rows a matrix load reads fall in different banks.
const uint A_STRIDE = BK / 8 + 1;
const uint B_STRIDE = B_COLUMN_MAJOR != 0 ? BK / 8 + 1 : BN / 8 + 1;
const uint B_WORDS = B_COLUMN_MAJOR != 0 ? BN * B_STRIDE : BK * B_STRIDE;
const uint A_LOADS = BM * BK / 8 / THREADS;  // 16-byte words each invocation moves per tile
const uint B_LOADS = BK * BN / 8 / THREADS;

const uint A_WORDS = BM * A_STRIDE;
shared uvec4 tileA[STAGES * A_WORDS];
shared uvec4 tileB[STAGES * B_WORDS];
shared float staging[THREADS / 32 * 256];  // one 16x16 f32 block per subgroup, for the epilogue

uvec4 nextA[A_LOADS], nextB[B_LOADS];

uvec4 loadA(uint row, uint k);
uvec4 loadB(uint i, uint j);
void writeOutput(uint row, uint col, vec4 low, vec4 high);

void fetchTiles(uint rowStart, uint colStart, uint k0) {
  [[unroll]] for (uint i = 0; i < A_LOADS; ++i) {
    uint word = gl_LocalInvocationID.x + i * THREADS;
    nextA[i] = loadA(rowStart + word / (BK / 8), k0 + word % (BK / 8) * 8);
  }
  [[unroll]] for (uint i = 0; i < B_LOADS; ++i) {
    uint word = gl_LocalInvocationID.x + i * THREADS;
    if (B_COLUMN_MAJOR != 0)
      nextB[i] = loadB(colStart + word / (BK / 8), k0 + word % (BK / 8) * 8);
    else
      nextB[i] = loadB(k0 + word / (BN / 8), colStart + word % (BN / 8) * 8);
  }
}

void storeTiles(uint stage) {
  [[unroll]] for (uint i = 0; i < A_LOADS; ++i) {
    uint word = gl_LocalInvocationID.x + i * THREADS;
    tileA[stage * A_WORDS + word / (BK / 8) * A_STRIDE + word % (BK / 8)] = nextA[i];
  }
  [[unroll]] for (uint i = 0; i < B_LOADS; ++i) {
    uint word = gl_LocalInvocationID.x + i * THREADS;
    uint perRow = B_COLUMN_MAJOR != 0 ? BK / 8 : BN / 8;
    tileB[stage * B_WORDS + word / perRow * B_STRIDE + word % perRow] = nextB[i];
  }
}

// The K range of split `split`: whole BK tiles, so no two splits read the same k.
uvec2 splitRange(uint K, uint split) {
  uint chunk = (K + SPLITS * BK - 1) / (SPLITS * BK) * BK;
  return uvec2(min(K, split * chunk), min(K, (split + 1) * chunk));
}

void gemmTile(uint rowStart, uint colStart, uint kBegin, uint kEnd) {
  uint subgroup = SUBGROUP_ID;
  uint warpRow = subgroup / (BN / WN) * WM, warpCol = subgroup % (BN / WN) * WN;

  FLOAT_TILE acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; ++i)
    [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = ZERO_FLOAT_TILE;

  // One stage: store, wait, multiply, wait. Two: the tiles for the next step
  // go to the other stage after this step's products, one wait per step.
  fetchTiles(rowStart, colStart, kBegin);
  if (STAGES > 1) {
    storeTiles(0);
    barrier();
  }
  uint stage = 0;
  for (uint k0 = kBegin; k0 < kEnd; k0 += BK) {
    bool more = k0 + BK < kEnd;
    if (STAGES == 1) {
      barrier();  // every subgroup is done reading the previous tiles
      storeTiles(0);
      barrier();
    }
    if (more) fetchTiles(rowStart, colStart, k0 + BK);  // in flight while the tensor cores work
    uint aBase = stage * A_WORDS, bBase = stage * B_WORDS;
    [[unroll]] for (uint kk = 0; kk < BK; kk += 16) {
      HALF_TILE a[TM], b[TN];
      [[unroll]] for (uint i = 0; i < TM; ++i) {
        TILE_LOAD(a[i], tileA, aBase + (warpRow + i * 16) * A_STRIDE + kk / 8, A_STRIDE, false);
      }
      [[unroll]] for (uint j = 0; j < TN; ++j) {
        if (B_COLUMN_MAJOR != 0) {
          TILE_LOAD(b[j], tileB, bBase + (warpCol + j * 16) * B_STRIDE + kk / 8, B_STRIDE, true);
        } else {
          TILE_LOAD(b[j], tileB, bBase + kk * B_STRIDE + (warpCol + j * 16) / 8, B_STRIDE, false);
        }
      }
      [[unroll]] for (uint i = 0; i < TM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) {
          TILE_MUL_ADD(acc[i][j], a[i], b[j]);
        }
    }
    if (STAGES > 1) {
      stage ^= 1;
      if (more) storeTiles(stage);  // that stage was last read a step ago, before the last wait
      barrier();
    }
  }

  // Epilogue: each 16x16 block goes through the subgroup's staging area so
  // that every lane writes 8 consecutive outputs of one row.
  uint base = subgroup * 256, lane = SUBGROUP_LANE;
  uint row = lane / 2, col = lane % 2 * 8;
  [[unroll]] for (uint i = 0; i < TM; ++i) {
    [[unroll]] for (uint j = 0; j < TN; ++j) {
      TILE_STORE(acc[i][j], staging, base, 16, false);
      SUBGROUP_SYNC_SHARED();
      uint at = base + row * 16 + col;
      vec4 low = vec4(staging[at], staging[at + 1], staging[at + 2], staging[at + 3]);
      vec4 high = vec4(staging[at + 4], staging[at + 5], staging[at + 6], staging[at + 7]);
      writeOutput(rowStart + warpRow + i * 16 + row, colStart + warpCol + j * 16 + col, low, high);
      SUBGROUP_SYNC();  // the block is read before the next one overwrites it
    }
  }
}

uvec4 packHalves(vec4 low, vec4 high) {
  return uvec4(packFloat2x16(f16vec2(low.xy)), packFloat2x16(f16vec2(low.zw)), packFloat2x16(f16vec2(high.xy)),
               packFloat2x16(f16vec2(high.zw)));
}

void unpackHalves(uvec4 words, out vec4 low, out vec4 high) {
  low = vec4(vec2(unpackFloat2x16(words.x)), vec2(unpackFloat2x16(words.y)));
  high = vec4(vec2(unpackFloat2x16(words.z)), vec2(unpackFloat2x16(words.w)));
}
