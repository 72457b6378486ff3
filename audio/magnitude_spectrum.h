// The magnitudes of a Hann-windowed FFT over the last `window` samples,
// advanced a hop at a time: aubio's phase vocoder without the phases,
// whose atan2 per bin would cost more than the FFT itself.
#pragma once
#include <memory>

namespace afterimage::audio {

class MagnitudeSpectrum {
 public:
  MagnitudeSpectrum(int window, int hop);  // throws std::invalid_argument where aubio refuses the sizes
  ~MagnitudeSpectrum();
  MagnitudeSpectrum(const MagnitudeSpectrum&) = delete;
  MagnitudeSpectrum& operator=(const MagnitudeSpectrum&) = delete;

  // Appends exactly `hop` samples; returns window / 2 + 1 magnitudes.
  const float* process(const float* hop);
  int window() const { return window_; }

 private:
  struct Aubio;
  int window_, hop_;
  std::unique_ptr<Aubio> aubio_;
};

}  // namespace afterimage::audio
