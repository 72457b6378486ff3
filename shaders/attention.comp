#version 450
// Scaled dot-product attention (self, cross, causal): attention_body.glsl.
#extension GL_GOOGLE_include_directive : require
#define BANKED 0
#include "attention_body.glsl"
