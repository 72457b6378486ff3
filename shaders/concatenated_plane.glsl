// An input read as two tensors concatenated along channels, [first, second]
// (NCHW, the first holding firstChannels of the channels): where channel
// `channel` of image `image` lies, as a plane index within the tensor that
// holds it (the second one where channel >= firstChannels).
#ifndef AFTERIMAGE_CONCATENATED_PLANE_GLSL
#define AFTERIMAGE_CONCATENATED_PLANE_GLSL

uint concatenatedPlane(uint image, uint channel, uint firstChannels, uint channels) {
  return channel >= firstChannels ? image * (channels - firstChannels) + channel - firstChannels
                                  : image * firstChannels + channel;
}

#endif
