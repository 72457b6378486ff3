// The response curves of mappings and MIDI bindings: 0..1 in, 0..1 out.
#pragma once

namespace afterimage::pipeline {

enum class Curve { Linear, Exp, Log, Smoothstep };

double shapeCurve(Curve curve, double x);

}  // namespace afterimage::pipeline
