#include "engine/nn/activation.h"

#include <cmath>

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

}  // namespace afterimage::nn
