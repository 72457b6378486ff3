#version 450
// Self-attention extended over a feature bank of past frames' keys and
// values, on tensor cores: attention_coopmat_body.glsl.
#extension GL_GOOGLE_include_directive : require
#define BANKED 1
#include "attention_coopmat_body.glsl"
