// Automatic gain: a slow running level of the input power, so that quiet
// (-30 dBFS) and loud (-3 dBFS) material give the same normalised features.
// The level starts from the first audible hop, not from a constant, so the
// normalisation does not depend on the absolute scale of the input; it
// follows rises faster than falls so a drop does not make the next hit blow
// up, and it stops adapting below the gate so silence is not amplified.
#pragma once
#include <cmath>

namespace afterimage::audio {

class AutoGain {
 public:
  struct Options {
    double riseSeconds = 1.5;
    double fallSeconds = 6.0;
    double gateDbfs = -70;  // power below this is treated as silence
    double catchUpSeconds = 0.15;  // rise time once the recent power is 3 dB over the level
  };
  AutoGain() : AutoGain(Options{}) {}
  explicit AutoGain(Options options) : options_(options) {}

  // power: mean square of the hop. Returns the gain that maps the running
  // level's RMS to 1 (0 until something audible has been heard).
  double process(double power, double dt) {
    double gate = std::pow(10.0, options_.gateDbfs / 10);
    if (power > gate) {
      if (level_ <= 0) {
        level_ = recent_ = power;
      } else {
        // After a quiet passage the level has fallen: when the last
        // fraction of a second is well above it, the music is back, not a
        // single hit, and the level catches up within a beat instead of
        // letting the gain overshoot for seconds.
        recent_ += (1.0 - std::exp(-dt / options_.catchUpSeconds)) * (power - recent_);
        double tau = power <= level_ ? options_.fallSeconds
                     : recent_ > 2 * level_ ? options_.catchUpSeconds
                                              : options_.riseSeconds;
        level_ += (1.0 - std::exp(-dt / tau)) * (power - level_);
      }
    }
    return gain();
  }
  double gain() const { return level_ > 0 ? 1.0 / std::sqrt(level_) : 0.0; }
  double levelDbfs() const { return level_ > 0 ? 10 * std::log10(level_) : -120; }

 private:
  Options options_;
  double level_ = 0, recent_ = 0;
};

}  // namespace afterimage::audio
