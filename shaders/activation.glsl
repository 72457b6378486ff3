// Pointwise activations selected by a specialization constant; the values
// match engine/nn/activation.h. Include after declaring
//   layout(constant_id = N) const uint ACTIVATION = 0;
#ifndef AFTERIMAGE_ACTIVATION_GLSL
#define AFTERIMAGE_ACTIVATION_GLSL

// erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): GLSL has no erf.
float afterimage_erf(float x) {
  float t = 1.0 / (1.0 + 0.3275911 * abs(x));
  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t *
                      exp(-x * x);
  return sign(x) * y;
}

float applyActivation(uint activation, float x) {
  switch (activation) {
    case 1u: return max(x, 0.0);
    case 2u: return x / (1.0 + exp(-x));
    case 3u: return 0.5 * x * (1.0 + afterimage_erf(x * 0.70710678118654752));
    case 4u: return tanh(clamp(x / 3.0, -10.0, 10.0)) * 3.0;  // some drivers give NaN for large tanh arguments
    case 5u: return x / (1.0 + exp(-1.702 * x));
    default: return x;
  }
}

// GEGLU: a value gated by the GELU of its gate.
float geglu(float value, float gate) { return value * applyActivation(3u, gate); }

#endif
