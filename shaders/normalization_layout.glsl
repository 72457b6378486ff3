// Where the normalization kernels store element i of a segment: in place,
// or with CHANNELS_LAST (group norm only) at [N, H*W, C], a transformer's
// tokens: the transpose before a UNet transformer's proj_in, fused. Include
// after declaring the push constants `p` and
//   layout(constant_id = N) const uint CHANNELS_LAST = 0;
#ifndef AFTERIMAGE_NORMALIZATION_LAYOUT_GLSL
#define AFTERIMAGE_NORMALIZATION_LAYOUT_GLSL

uint normalizedIndex(uint segment, uint i) {
  if (CHANNELS_LAST == 0) return segment * p.segmentLength + i;
  uint channels = p.groupsPerSample * p.channelsPerGroup;
  uint channel = (segment % p.groupsPerSample) * p.channelsPerGroup + i / p.spatial;
  return (segment / p.groupsPerSample * p.spatial + i % p.spatial) * channels + channel;
}

#endif
