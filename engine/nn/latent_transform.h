// Affine warp of an NCHW image or latent (zoom about the centre, rotation,
// translation) with bilinear sampling: the feedback motion of the stream
// generator, applied to the previous frame's latent. The 2x3 matrix is read
// from an f32 tensor on the GPU, so a recorded plan replays with new motion
// every frame. Matches PyTorch's
// grid_sample(x, affine_grid(theta, x.shape, align_corners=False),
//             mode="bilinear", padding_mode=..., align_corners=False).
#pragma once
#include <array>

#include "engine/nn/plan.h"

namespace afterimage::nn {

// What is sampled outside the picture. Reflect (the default for feedback)
// mirrors the picture about its border: zooming out or rotating fills the
// corners with picture-like structure the denoiser keeps. Clamp repeats the
// border pixels, which under repeated zoom-out grows streaks from the edges
// (and zero padding would not be black in latent space either).
enum class EdgeMode { Reflect, Clamp };

// theta[first .. first + 5]: the matrix mapping an output position to the
// input position it samples, row-major, in normalised coordinates ([-1, 1]
// across the picture, x right, y down), as affine_grid's theta. `output`,
// when given, receives the result (it may not be the input); otherwise a
// new activation does.
// With `channelAffine` (f16 tensors of C elements, rewritten per frame) each
// channel is then scaled and offset: warped * scale[c] + offset[c].
struct ChannelAffine {
  Tensor scale, offset;
};
Tensor latentTransform(Plan& plan, const Tensor& input, const Tensor& theta, uint32_t first,
                       EdgeMode edges = EdgeMode::Reflect, const Tensor& output = {},
                       const ChannelAffine& channelAffine = {});

// Picture motion: zoom about the centre (> 1 moves in), rotation in radians
// (positive turns the picture counter-clockwise on screen), translation in
// fractions of the picture's width and height (positive moves it right and
// down). Rotation is in pixel space, so a non-square picture is not sheared.
struct Motion {
  float zoom = 1.0f, rotate = 0.0f, translateX = 0.0f, translateY = 0.0f;
};
// The theta that shows `motion` applied to a width x height picture:
// translate, then rotate and zoom about the centre. Throws for zoom <= 0.
std::array<float, 6> motionMatrix(const Motion& motion, uint32_t width, uint32_t height);

}  // namespace afterimage::nn
