// An attack/release envelope: rises towards the input with the attack time
// constant and falls with the release one. Sets use it to shape how fast a
// feature drives a parameter.
#pragma once
#include <cmath>

namespace afterimage::audio {

class EnvelopeFollower {
 public:
  EnvelopeFollower(double attackSeconds = 0.01, double releaseSeconds = 0.25)
      : attack_(attackSeconds), release_(releaseSeconds) {}

  void setAttack(double seconds) { attack_ = seconds; }
  void setRelease(double seconds) { release_ = seconds; }
  void reset(double value = 0) { value_ = value; }

  // Advances by dt seconds towards x.
  double process(double x, double dt) {
    double tau = x > value_ ? attack_ : release_;
    double a = tau > 0 ? 1.0 - std::exp(-dt / tau) : 1.0;
    value_ += a * (x - value_);
    return value_;
  }
  double value() const { return value_; }

 private:
  double attack_, release_;
  double value_ = 0;
};

}  // namespace afterimage::audio
