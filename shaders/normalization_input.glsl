// Where the normalization kernels read element `index` of their input: one
// buffer, or with CONCATENATED (group norm only) two, the input being their
// concatenation along channels read in place (a UNet up block's ResNet
// normalizes [h, skip] without the joined tensor ever being stored). Per
// sample the first p.firstElements elements (its channels x spatial) come
// from x, the rest from x2. Include after declaring `x`, the push constants
// `p` (with firstElements) and
//   layout(constant_id = N) const uint CONCATENATED = 0;
//   layout(std430, binding = M) readonly buffer SecondInput { float16_t x2[]; };
#ifndef AFTERIMAGE_NORMALIZATION_INPUT_GLSL
#define AFTERIMAGE_NORMALIZATION_INPUT_GLSL

float inputAt(uint index) {
  if (CONCATENATED == 0) return float(x[index]);
  uint perSample = p.groupsPerSample * p.segmentLength;
  uint image = index / perSample, offset = index % perSample;
  if (offset < p.firstElements) return float(x[image * p.firstElements + offset]);
  return float(x2[image * (perSample - p.firstElements) + offset - p.firstElements]);
}

#endif
