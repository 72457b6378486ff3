// Which input channel feeds the analyzer: the mean of all channels, or one.
#pragma once
#include <cstddef>

namespace afterimage::audio {

struct ChannelSelection {
  int channel = -1;  // -1: mono mix of all channels; else a 0-based channel

  // Reduces `frames` interleaved frames of `channels` channels to mono.
  void toMono(const float* interleaved, size_t frames, int channels, float* mono) const {
    if (channel >= 0) {
      for (size_t f = 0; f < frames; ++f) mono[f] = interleaved[f * channels + channel];
      return;
    }
    float scale = 1.0f / float(channels);
    for (size_t f = 0; f < frames; ++f) {
      float sum = 0;
      for (int c = 0; c < channels; ++c) sum += interleaved[f * channels + c];
      mono[f] = sum * scale;
    }
  }
};

}  // namespace afterimage::audio
