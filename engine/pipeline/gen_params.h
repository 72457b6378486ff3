// What the conductor asks of the generator and the post effects for one
// frame: the contract between engine/pipeline's Conductor (set + audio
// features -> GenParams) and its Generator / Presenter / Renderer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace afterimage::pipeline {

struct WeightedPromptRef {
  std::string text;  // a prompt, or a style name for style-token models
  float weight = 1.0f;
};

struct GenParams {
  double showTime = 0;  // audio time (s) at which this frame will be on screen

  // Conditioning: a mix of prompts (weights need not sum to 1; the model
  // normalises them).
  std::vector<WeightedPromptRef> prompts;

  // Stream img2img: how far the previous frame is re-noised, (0, 1]; 1
  // ignores it (a fresh picture each frame).
  float strength = 0.5f;
  // Noise walk: slerp between the noise of seedA and seedB by seedMix in [0, 1].
  uint64_t seedA = 0, seedB = 1;
  float seedMix = 0.0f;
  // Share (of the variance) of the re-noising drawn fresh every frame, in
  // [0, 1]. With 0 the same noise re-noises frame after frame while the
  // walk stands still, and what the denoiser leaves of it adds up: the
  // picture drifts to saturated colours within seconds. 1 keeps the
  // statistics steady but the picture keeps moving.
  float noiseRefresh = 0.0f;
  // Colour anchor, 0..1: before re-noising, how far each latent channel's
  // mean and deviation move back to those of the last fresh frame (one
  // re-noised to strength 0.5 or more). 1 holds the colours through quiet
  // passages; 0 lets the feedback drift (see engine/nn/channel_anchor.h).
  float anchor = 0.0f;
  // Feature bank (a set's temporal_bank_frames), 0..1: how much the UNet's
  // self-attention attends to the kept frames' keys and values beside the
  // frame's own (their softmax weights scaled by it; 1 as StreamV2V).
  float temporalBank = 1.0f;
  // Temporal layers (a set's temporal_window), 0..1: how much each frame
  // attends to the past frames beside itself (their softmax weights scaled
  // by it): 1 as the model was trained, 0 each frame to itself alone (as
  // after a cut, but the history is kept for when it rises again).
  float temporalMemory = 1.0f;

  // Latent motion applied to the previous latent before re-noising
  // (a VJ's "feedback" zoom/rotate/translate). Translation in fractions of
  // the picture, rotation in radians, zoom > 1 moves in.
  float zoom = 1.0f, rotate = 0.0f, translateX = 0.0f, translateY = 0.0f;
  float feedback = 1.0f;  // 1: start from the moved previous latent; 0: from noise only

  // Post effects on the decoded picture.
  float brightness = 1.0f, contrast = 1.0f, saturation = 1.0f, hueShift = 0.0f;
  float strobe = 0.0f;  // 0..1 white flash this frame
  bool blackout = false;

  int scene = 0;  // index of the set's active scene
};

}  // namespace afterimage::pipeline
