// Sample-rate conversion for offline tools: windowed-sinc interpolation
// (Blackman window, 16 zero crossings either side), low-passed below the
// lower of the two Nyquist frequencies. The beat evaluation uses it to hear
// recordings at the rate a show's audio interface delivers.
#pragma once
#include <span>
#include <vector>

namespace afterimage::audio {

// Throws std::invalid_argument for a rate that is not positive.
std::vector<float> resample(std::span<const float> samples, int fromRate, int toRate);

}  // namespace afterimage::audio
