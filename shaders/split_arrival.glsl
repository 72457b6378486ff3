// Split K without a second pass. The SPLITS workgroups that share an output
// tile each store their f32 partial sums, then count themselves in; the one
// that arrives last adds every split's sums (in split order, so the result
// does not depend on which one that is) and applies the epilogue. The count
// goes back to 0 there, ready for the next replay. This saves the reduction
// dispatch and the barrier before it (CUTLASS calls it a serial split-K
// fix-up).
// Include after declaring SPLITS, the partial sums' buffer `coherent` and
//   layout(std430, binding = N) coherent buffer Arrivals { uint arrivals[]; };
// Every invocation of the workgroup must call lastSplitToArrive (a workgroup
// counts itself in once, for a tile the workgroup computes together). A
// kernel whose invocations each own their outputs and never synchronise
// (conv2d.comp) calls lastSplitToArriveHere instead, one count per
// invocation: no workgroup barrier, and invocations with nothing to do may
// return early.
#ifndef AFTERIMAGE_SPLIT_ARRIVAL_GLSL
#define AFTERIMAGE_SPLIT_ARRIVAL_GLSL

shared bool lastToArrive;

bool lastSplitToArrive(uint tile) {
#ifdef COOPMAT_VULKAN_MEMORY_MODEL
  // Every invocation's partial sums reach every workgroup of the dispatch (queue-family
  // scope: device scope would need vulkanMemoryModelDeviceScope) before the count...
  controlBarrier(gl_ScopeWorkgroup, gl_ScopeQueueFamily, gl_StorageSemanticsBuffer, gl_SemanticsAcquireRelease);
  if (gl_LocalInvocationIndex == 0) {
    uint before = atomicAdd(arrivals[tile], 1u, gl_ScopeQueueFamily, gl_StorageSemanticsBuffer, gl_SemanticsAcquireRelease);
    lastToArrive = before == SPLITS - 1;
    if (lastToArrive) arrivals[tile] = 0u;
  }
  // ...and the other splits' are visible to the last one after it.
  controlBarrier(gl_ScopeWorkgroup, gl_ScopeQueueFamily, gl_StorageSemanticsBuffer | gl_StorageSemanticsShared,
                 gl_SemanticsAcquireRelease);
#else
  memoryBarrierBuffer();
  barrier();
  if (gl_LocalInvocationIndex == 0) {
    memoryBarrierBuffer();  // acquire the workgroup's sums (after barrier), release them with the count
    lastToArrive = atomicAdd(arrivals[tile], 1u) == SPLITS - 1;
    memoryBarrierBuffer();  // acquire the other splits' sums, release them to the workgroup's barrier
    if (lastToArrive) atomicExchange(arrivals[tile], 0u);
  }
  memoryBarrierShared();
  barrier();
  memoryBarrierBuffer();
#endif
  return lastToArrive;
}

bool lastSplitToArriveHere(uint region) {
  memoryBarrierBuffer();  // this invocation's partial sums before its count
  if (atomicAdd(arrivals[region], 1u) != SPLITS - 1) return false;
  memoryBarrierBuffer();  // the other splits' sums after it
  atomicExchange(arrivals[region], 0u);  // atomic: the others' adds do not happen-before it
  return true;
}

#endif
