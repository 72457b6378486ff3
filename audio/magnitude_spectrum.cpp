#include "audio/magnitude_spectrum.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace afterimage::audio {

struct MagnitudeSpectrum::Aubio {
  aubio_fft_t* fft = nullptr;
  fvec_t* windowed = nullptr;
  fvec_t* complexSpectrum = nullptr;
  cvec_t* spectrum = nullptr;
  ~Aubio() {
    if (fft) del_aubio_fft(fft);
    if (windowed) del_fvec(windowed);
    if (complexSpectrum) del_fvec(complexSpectrum);
    if (spectrum) del_cvec(spectrum);
  }
  std::vector<float> samples;  // the last window's samples, oldest first
  std::vector<float> hann;
};

MagnitudeSpectrum::MagnitudeSpectrum(int window, int hop) : window_(window), hop_(hop), aubio_(std::make_unique<Aubio>()) {
  if (hop < 1 || window < hop || (window & (window - 1)) != 0)
    throw std::invalid_argument("spectrum window " + std::to_string(window) + " / hop " + std::to_string(hop) +
                                ": the window must be a power of two of at least one hop");
  aubio_->fft = new_aubio_fft(uint_t(window));
  aubio_->windowed = new_fvec(uint_t(window));
  aubio_->complexSpectrum = new_fvec(uint_t(window));
  aubio_->spectrum = new_cvec(uint_t(window));
  if (!aubio_->fft || !aubio_->windowed || !aubio_->complexSpectrum || !aubio_->spectrum)
    throw std::invalid_argument("aubio refused an FFT of " + std::to_string(window) + " points");
  aubio_->samples.assign(size_t(window), 0.0f);
  aubio_->hann.resize(size_t(window));
  // aubio's "hanningz", as its phase vocoder applies.
  for (int i = 0; i < window; ++i) aubio_->hann[size_t(i)] = float(0.5 * (1.0 - std::cos(2.0 * M_PI * i / window)));
}

MagnitudeSpectrum::~MagnitudeSpectrum() = default;

const float* MagnitudeSpectrum::process(const float* hop) {
  std::vector<float>& s = aubio_->samples;
  std::copy(s.begin() + hop_, s.end(), s.begin());
  std::copy(hop, hop + hop_, s.end() - hop_);
  for (int i = 0; i < window_; ++i) aubio_->windowed->data[i] = s[size_t(i)] * aubio_->hann[size_t(i)];
  aubio_fft_do_complex(aubio_->fft, aubio_->windowed, aubio_->complexSpectrum);
  aubio_fft_get_norm(aubio_->complexSpectrum, aubio_->spectrum);
  return aubio_->spectrum->norm;
}

}  // namespace afterimage::audio
