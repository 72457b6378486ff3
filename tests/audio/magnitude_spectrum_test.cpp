// MagnitudeSpectrum: the magnitudes aubio's phase vocoder gives for the same
// samples (its reference here), hop after hop, without the phases.
#include "audio/magnitude_spectrum.h"

#include <aubio/aubio.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace afterimage::audio {
namespace {

TEST(MagnitudeSpectrum, EqualsTheMagnitudesOfAubiosPhaseVocoder) {
  for (int window : {512, 2048}) {
    const int hop = 256;
    MagnitudeSpectrum spectrum(window, hop);
    aubio_pvoc_t* pvoc = new_aubio_pvoc(uint_t(window), uint_t(hop));
    fvec_t* input = new_fvec(uint_t(hop));
    cvec_t* reference = new_cvec(uint_t(window));
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    double worst = 0;
    for (int h = 0; h < 40; ++h) {
      std::vector<float> samples(static_cast<size_t>(hop));
      for (int i = 0; i < hop; ++i) {
        double t = (h * hop + i) / 44100.0;
        samples[size_t(i)] = float(0.5 * std::sin(2 * M_PI * 440 * t)) + (h > 20 ? noise(rng) : 0.0f);
      }
      std::copy(samples.begin(), samples.end(), input->data);
      aubio_pvoc_do(pvoc, input, reference);
      const float* magnitude = spectrum.process(samples.data());
      double peak = 0;
      for (int k = 0; k <= window / 2; ++k) peak = std::max(peak, double(reference->norm[k]));
      for (int k = 0; k <= window / 2; ++k)
        worst = std::max(worst, std::abs(double(magnitude[k]) - reference->norm[k]) / std::max(peak, 1e-6));
    }
    del_cvec(reference), del_fvec(input), del_aubio_pvoc(pvoc);
    // float32 FFTs of the same windowed samples, in another order.
    EXPECT_LT(worst, 1e-5) << window;
    std::printf("window %d: largest difference %.2g of the peak magnitude\n", window, worst);
  }
}

TEST(MagnitudeSpectrum, RefusesAWindowThatIsNotAPowerOfTwoOrShorterThanAHop) {
  EXPECT_THROW(MagnitudeSpectrum(1000, 256), std::invalid_argument);
  EXPECT_THROW(MagnitudeSpectrum(128, 256), std::invalid_argument);
  EXPECT_THROW(MagnitudeSpectrum(1024, 0), std::invalid_argument);
}

}  // namespace
}  // namespace afterimage::audio
