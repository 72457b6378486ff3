// The sum of one value from every invocation of a one-dimensional
// workgroup whose size is a power of two, in f32, by halving in shared
// memory. Call it from uniform control flow; `partial` is free again on return.
#ifndef AFTERIMAGE_WORKGROUP_SUM_GLSL
#define AFTERIMAGE_WORKGROUP_SUM_GLSL

const uint THREADS = gl_WorkGroupSize.x;
shared float partial[THREADS];

float workgroupSum(float value) {
  uint t = gl_LocalInvocationID.x;
  partial[t] = value;
  barrier();
  for (uint stride = THREADS / 2; stride > 0; stride >>= 1) {
    if (t < stride) partial[t] += partial[t + stride];
    barrier();
  }
  float total = partial[0];
  barrier();  // partial is reused by the next sum
  return total;
}

#endif
