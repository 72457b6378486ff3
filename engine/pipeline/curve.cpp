#include "engine/pipeline/curve.h"

#include <cmath>

namespace afterimage::pipeline {

double shapeCurve(Curve curve, double x) {
  static const double e4 = std::exp(4.0) - 1.0;
  switch (curve) {
    case Curve::Linear: return x;
    case Curve::Exp: return (std::exp(4.0 * x) - 1.0) / e4;
    case Curve::Log: return std::log1p(e4 * x) / 4.0;
    case Curve::Smoothstep: return x * x * (3.0 - 2.0 * x);
  }
  return x;
}

}  // namespace afterimage::pipeline
