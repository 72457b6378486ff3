#include "engine/nn/activation.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace afterimage::nn {

float activate(Activation activation, float x) {
  switch (activation) {
    case Activation::ReLU: return x > 0.0f ? x : 0.0f;
    case Activation::SiLU: return x / (1.0f + std::exp(-x));
    case Activation::GELU: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Activation::TanhClamp: return std::tanh(x / 3.0f) * 3.0f;
    case Activation::QuickGELU: return x / (1.0f + std::exp(-1.702f * x));
    case Activation::None: break;
  }
  return x;
}

Activation activationNamed(std::string_view name) {
  if (name == "none" || name.empty()) return Activation::None;
  if (name == "relu") return Activation::ReLU;
  if (name == "silu") return Activation::SiLU;
  if (name == "gelu") return Activation::GELU;
  if (name == "tanh_clamp") return Activation::TanhClamp;
  if (name == "quick_gelu") return Activation::QuickGELU;
  throw std::invalid_argument("unknown activation '" + std::string(name) + "'");
}

}  // namespace afterimage::nn
