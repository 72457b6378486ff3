// Pointwise activations, applied on their own or fused into the epilogue of
// conv2d, linear, group norm and elementwise ops (a GLSL specialization
// constant selects it, so fusing costs no extra pass over memory).
#pragma once
#include <cstdint>
#include <string_view>

namespace afterimage::nn {

enum class Activation : uint32_t {
  None = 0,
  ReLU = 1,
  SiLU = 2,       // x * sigmoid(x)
  GELU = 3,       // exact (erf) GELU, PyTorch's default
  TanhClamp = 4,  // tanh(x / 3) * 3, the TAESD decoder input clamp
  QuickGELU = 5,  // x * sigmoid(1.702 x), OpenAI CLIP's (SD 1.x text encoder)
};

// CPU reference of one value (tests).
float activate(Activation activation, float x);

// "none", "relu", "silu", "gelu", "tanh_clamp", "quick_gelu" (PyTorch-style
// names, as goldens and configs write them); throws std::invalid_argument.
Activation activationNamed(std::string_view name);

}  // namespace afterimage::nn
