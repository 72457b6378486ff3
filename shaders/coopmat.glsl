// The 16x16 subgroup matrices of the tensor-core kernels (matmul_coopmat,
// conv2d_coopmat, attention_coopmat), and the subgroup they belong to.
//
// Normally VK_NV_cooperative_matrix: HALF_TILE (f16) and FLOAT_TILE (f32)
// held across the 32 lanes of a subgroup. With COOPMAT_EMULATED (the
// "_emulated" build of each kernel, which the engine runs on devices without
// cooperative matrices when AFTERIMAGE_COOPMAT=emulate) the same kernel runs
// as a plain shader, so its tiling, indexing and epilogues are checked
// against the goldens on lavapipe: a "subgroup" is 32 consecutive
// invocations of the workgroup (whatever the device's subgroup size), every
// one of which holds the whole matrix and does the whole product; lane 0
// alone stores it. Slow, and meant only for that check. lavapipe ends every
// loop of an invocation, silently, once all of its loops together have run
// 65535 iterations (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS), so the emulation
// unrolls all but the outer level of each matrix loop (16 iterations a load,
// store or product) and the engine keeps emulated launches within that
// limit (nn::coopmatEmulationFits).
//
// The including shader declares its layout (local size) first and defines
// COOPMAT_THREADS, its workgroup size (a constant or specialization constant).
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

#ifndef COOPMAT_EMULATED
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#define COOPMAT_VULKAN_MEMORY_MODEL 1  // the NV build is compiled for the Vulkan memory model
#extension GL_KHR_shader_subgroup_shuffle : require

#define HALF_TILE fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>
#define FLOAT_TILE fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>
#define ZERO_HALF_TILE HALF_TILE(0.0)
#define ZERO_FLOAT_TILE FLOAT_TILE(0.0)
// offset and stride count elements of `array` (e.g. 16-byte words of 8 halves)
#define TILE_LOAD(tile, array, offset, stride, columnMajor) coopMatLoadNV(tile, array, offset, stride, columnMajor)
#define TILE_STORE(tile, array, offset, stride, columnMajor) coopMatStoreNV(tile, array, offset, stride, columnMajor)
#define TILE_MUL_ADD(d, a, b) d = coopMatMulAddNV(a, b, d)  // d += a * b
#define SUBGROUP_ID gl_SubgroupID
#define SUBGROUP_LANE gl_SubgroupInvocationID
// Shared memory written by the subgroup's lanes is visible to all of them.
#define SUBGROUP_SYNC_SHARED() \
  subgroupMemoryBarrierShared(); \
  subgroupBarrier()
#define SUBGROUP_SYNC() subgroupBarrier()
#define SHUFFLE_XOR(value, mask) subgroupShuffleXor(value, mask)

#else
// Every invocation's private copy of every matrix is kept small (halves as
// halves, products added in place), since lavapipe runs each group of lanes
// of a workgroup on a stack of its own.
struct EmulatedHalfTile {
  float16_t v[256];  // row-major
};
struct EmulatedFloatTile {
  float v[256];
};
#define HALF_TILE EmulatedHalfTile
#define FLOAT_TILE EmulatedFloatTile
#define ZERO_HALF_TILE emulatedZeroHalfTile()
#define ZERO_FLOAT_TILE emulatedZeroFloatTile()
#define SUBGROUP_ID (gl_LocalInvocationID.x / 32)
#define SUBGROUP_LANE (gl_LocalInvocationID.x % 32)
// Every call site is in control flow uniform across the workgroup.
#define SUBGROUP_SYNC_SHARED() barrier()
#define SUBGROUP_SYNC() barrier()

EmulatedHalfTile emulatedZeroHalfTile() {
  EmulatedHalfTile t;
  [[unroll]] for (uint i = 0; i < 256; ++i) t.v[i] = float16_t(0.0);
  return t;
}

EmulatedFloatTile emulatedZeroFloatTile() {
  EmulatedFloatTile t;
  [[unroll]] for (uint i = 0; i < 256; ++i) t.v[i] = 0.0;
  return t;
}

#define TILE_MUL_ADD(d, a, b)                                                                        \
  for (uint emulatedR = 0; emulatedR < 16; ++emulatedR) {                                            \
    [[unroll]] for (uint emulatedC = 0; emulatedC < 16; ++emulatedC) {                               \
      float emulatedSum = d.v[emulatedR * 16 + emulatedC];                                           \
      [[unroll]] for (uint emulatedK = 0; emulatedK < 16; ++emulatedK)                               \
        emulatedSum += float(a.v[emulatedR * 16 + emulatedK]) * float(b.v[emulatedK * 16 + emulatedC]); \
      d.v[emulatedR * 16 + emulatedC] = emulatedSum;                                                 \
    }                                                                                                \
  }

// Loads read f16 matrices; stores write f32 ones. Per element type of the
// array: how many matrix elements one array element holds, and element i of it.
uint emulatedHalves(uvec4 word) { return 8; }
uint emulatedHalves(float16_t h) { return 1; }
float16_t emulatedHalf(uvec4 word, uint i) { return unpackFloat2x16(word[i / 2])[i % 2]; }
float16_t emulatedHalf(float16_t h, uint i) { return h; }
uint emulatedFloats(uvec4 word) { return 4; }
uint emulatedFloats(float f) { return 1; }
void emulatedSetFloat(inout uvec4 word, uint i, float x) { word[i] = floatBitsToUint(x); }
void emulatedSetFloat(inout float f, uint i, float x) { f = x; }

#define TILE_LOAD(tile, array, offset, stride, columnMajor)                                           \
  {                                                                                                  \
    uint emulatedPer = emulatedHalves(array[0]);                                                     \
    for (uint emulatedR = 0; emulatedR < 16; ++emulatedR)                                            \
      [[unroll]] for (uint emulatedC = 0; emulatedC < 16; ++emulatedC) {                             \
        uint emulatedAt = ((offset) + ((columnMajor) ? emulatedC : emulatedR) * (stride)) * emulatedPer + \
                          ((columnMajor) ? emulatedR : emulatedC);                                   \
        tile.v[emulatedR * 16 + emulatedC] = emulatedHalf(array[emulatedAt / emulatedPer], emulatedAt % emulatedPer); \
      }                                                                                              \
  }
#define TILE_STORE(tile, array, offset, stride, columnMajor)                                          \
  if (SUBGROUP_LANE == 0) {                                                                         \
    uint emulatedPer = emulatedFloats(array[0]);                                                     \
    for (uint emulatedR = 0; emulatedR < 16; ++emulatedR)                                            \
      [[unroll]] for (uint emulatedC = 0; emulatedC < 16; ++emulatedC) {                             \
        uint emulatedAt = ((offset) + ((columnMajor) ? emulatedC : emulatedR) * (stride)) * emulatedPer + \
                          ((columnMajor) ? emulatedR : emulatedC);                                   \
        emulatedSetFloat(array[emulatedAt / emulatedPer], emulatedAt % emulatedPer,                  \
                         tile.v[emulatedR * 16 + emulatedC]);                                        \
      }                                                                                              \
  }

shared float emulatedExchange[COOPMAT_THREADS];
float SHUFFLE_XOR(float value, uint mask) {
  emulatedExchange[gl_LocalInvocationID.x] = value;
  barrier();
  float other = emulatedExchange[gl_LocalInvocationID.x ^ mask];
  barrier();
  return other;
}
#endif
