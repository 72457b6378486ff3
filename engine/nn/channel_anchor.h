// Keeps the colours of a stream in place through frames of feedback. Fed
// its own output at low strength, a diffusion model drifts: its per-channel
// latent statistics wander and the picture burns to saturated colours within
// seconds. The anchor remembers the statistics of the last fresh frame (a
// strong re-noise) as the reference and, before each re-noising, moves each
// channel's mean and standard deviation part of the way back to it. All on
// the GPU, so that no frame waits for the host to read the one before.
#pragma once
#include "engine/nn/latent_transform.h"
#include "engine/nn/plan.h"

namespace afterimage::nn {

// The f32 state the anchor keeps between frames: the reference's mean and
// deviation per channel.
Shape channelAnchorStateShape(uint32_t channels);

// From `latent` (f16 [1, C, H, W], the frame just generated): with
// control[1] > 0.5 its statistics become the reference in `state`; then
// `coefficients` (f16, C each) receive x * scale + offset that moves the
// latent's per-channel mean and deviation control[0] (0..1) of the way to
// the reference's (identity at 0). `control` is f32 [2], rewritten per frame.
void channelAnchor(Plan& plan, const Tensor& latent, const Tensor& state, const Tensor& control,
                   const ChannelAffine& coefficients);

}  // namespace afterimage::nn
