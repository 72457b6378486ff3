// Keeps the colours of a stream in place through frames of feedback. Fed
// its own output at low strength, a diffusion model drifts: its per-channel
// latent statistics wander and the picture burns to saturated colours within
// seconds. The anchor remembers the statistics of the last fresh frame (a
// strong re-noise) as the reference and, before each re-noising, moves each
// channel's mean and standard deviation part of the way back to it.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace afterimage::pipeline {

class LatentAnchor {
 public:
  explicit LatentAnchor(uint32_t channels);

  // The latent just generated ([C, H, W] values); `fresh` makes its
  // statistics the reference.
  void observe(std::span<const float> latent, bool fresh);
  // Per channel: x * scale + offset moves the last observed mean and
  // standard deviation `amount` (0..1) of the way to the reference's.
  // Identity before anything was observed.
  void coefficients(float amount, std::span<float> scale, std::span<float> offset) const;
  void reset() { observed_ = false, hasReference_ = false; }

 private:
  struct Statistics {
    std::vector<double> mean, deviation;
  };
  // Into last_; sized once, so observing each frame allocates nothing.
  void measure(std::span<const float> latent);

  uint32_t channels_;
  Statistics last_, reference_;
  bool observed_ = false, hasReference_ = false;
};

}  // namespace afterimage::pipeline
